package io.npsconnector.filecrm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Record ids as file names: letters, digits, '-', '_' and '.' stay as they are; every other byte of the UTF-8
 * form becomes {@code ~XX} (hex), so that any id (an engine key such as {@code task:42/7}) names one file
 * and no id can reach outside its folder.
 */
final class FileNames {
  private FileNames() {}

  static String of(String id) {
    StringBuilder name = new StringBuilder();
    byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      char c = (char) (bytes[i] & 0xff);
      boolean plain = c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' && i > 0);
      if (plain) {
        name.append(c);
      } else {
        name.append('~').append(String.format("%02X", bytes[i] & 0xff));
      }
    }
    return name.toString();
  }

  static String id(String name) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '~' && i + 2 < name.length() && hex(name.charAt(i + 1)) && hex(name.charAt(i + 2))) {
        bytes.write(Integer.parseInt(name.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        byte[] plain = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(plain, 0, plain.length);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean hex(char c) {
    return Character.digit(c, 16) >= 0;
  }
}
