package io.npsconnector.app.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Collection;

import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;

/**
 * Bounds every request body on its way in, before any route reads it: whoever reads the body (the routes,
 * Javalin's form parsing) gets a stream that fails with 413 as soon as more than the path's limit has
 * arrived, whether the body came with a {@code Content-Length} or chunked. Multipart bodies, which no route
 * takes, are refused rather than parsed by the servlet container.
 */
final class BoundedBodyFilter implements Filter {
  private final BodyLimits limits;

  BoundedBodyFilter(BodyLimits limits) {
    this.limits = limits;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request instanceof HttpServletRequest http) {
      chain.doFilter(new Bounded(http, limits.limitFor(http.getRequestURI())), response);
    } else {
      chain.doFilter(request, response);
    }
  }

  private static final class Bounded extends HttpServletRequestWrapper {
    private final long limit;
    private ServletInputStream stream;

    Bounded(HttpServletRequest request, long limit) {
      super(request);
      this.limit = limit;
    }

    @Override
    public synchronized ServletInputStream getInputStream() throws IOException {
      if (getContentLengthLong() > limit) {
        throw new ContentTooLargeResponse();
      }
      if (stream == null) {
        stream = new LimitedStream(super.getInputStream(), limit);
      }
      return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(getInputStream(), charset));
    }

    @Override
    public Collection<Part> getParts() {
      throw new HttpResponseException(415, "multipart bodies are not accepted");
    }

    @Override
    public Part getPart(String name) {
      throw new HttpResponseException(415, "multipart bodies are not accepted");
    }
  }

  /** Counts what is read and fails past the limit; the rest of the body is never read. */
  private static final class LimitedStream extends ServletInputStream {
    private final ServletInputStream in;
    private final long limit;
    private long read;

    LimitedStream(ServletInputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      // never asks for more than one byte past the limit, so at most limit + 1 bytes are ever buffered
      int n = in.read(buffer, offset, (int) Math.min(length, limit - read + 1));
      if (n > 0) {
        counted(n);
      }
      return n;
    }

    private void counted(int n) {
      read += n;
      if (read > limit) {
        throw new ContentTooLargeResponse();
      }
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
