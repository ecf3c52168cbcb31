package io.tapline.gateway.xml;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A minimal streaming XML writer for EC2 answers: elements and text only, always escaped, no
 * pretty-printing. Characters XML 1.0 cannot carry are replaced by U+FFFD.
 */
public final class XmlWriter {

  public static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

  private final StringBuilder out = new StringBuilder(512);
  private final Deque<String> open = new ArrayDeque<>();

  public XmlWriter() {
    out.append(DECLARATION);
  }

  public XmlWriter start(String name) {
    out.append('<').append(name).append('>');
    open.push(name);
    return this;
  }

  public XmlWriter start(String name, String xmlns) {
    out.append('<').append(name).append(" xmlns=\"");
    escape(xmlns);
    out.append("\">");
    open.push(name);
    return this;
  }

  public XmlWriter end() {
    out.append("</").append(open.pop()).append('>');
    return this;
  }

  /** {@code <name>text</name>}; nothing at all when {@code text} is null. */
  public XmlWriter element(String name, Object text) {
    if (text == null) {
      return this;
    }
    out.append('<').append(name).append('>');
    escape(String.valueOf(text));
    out.append("</").append(name).append('>');
    return this;
  }

  private void escape(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
            out.append(c).append(text.charAt(++i));
          } else if (isXmlChar(c)) {
            out.append(c);
          } else {
            out.append('\uFFFD');
          }
        }
      }
    }
  }

  private static boolean isXmlChar(char c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD);
  }

  @Override
  public String toString() {
    if (!open.isEmpty()) {
      throw new IllegalStateException("unclosed elements: " + open);
    }
    return out.toString();
  }
}
