package io.npsconnector.app.web;

import java.io.IOException;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * Answers HEAD exactly as GET, status and headers included: Javalin would otherwise answer 200 to a HEAD of
 * any path with a GET route without running it (a forged survey link, the dashboard without a session).
 * Jetty still sends no body, as it does for every HEAD request.
 */
final class HeadAsGetFilter implements Filter {
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request instanceof HttpServletRequest http && "HEAD".equals(http.getMethod())) {
      chain.doFilter(new HttpServletRequestWrapper(http) {
        @Override
        public String getMethod() {
          return "GET";
        }
      }, response);
    } else {
      chain.doFilter(request, response);
    }
  }
}
