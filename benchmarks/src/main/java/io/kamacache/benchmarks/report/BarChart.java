package io.kamacache.benchmarks.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart as a PNG, drawn with the JDK alone so that the charts can be redrawn on any
 * machine that ran the benchmarks. A log scale keeps a by-value get and a map lookup, three
 * orders of magnitude apart, on one chart.
 */
final class BarChart {

  private static final Color[] PALETTE = {
    new Color(0xD6, 0x4F, 0x2A), new Color(0x3B, 0x6E, 0xA8), new Color(0x5B, 0xA0, 0x5B),
    new Color(0xE0, 0xA1, 0x2F), new Color(0x8E, 0x6C, 0xB0), new Color(0x88, 0x88, 0x88)
  };

  private final String title;
  private final String unit;
  private final List<String> groups;
  private final List<String> series;
  /** values[group][series]; NaN where a series has no value for a group. */
  private final double[][] values;
  private final boolean logScale;

  BarChart(String title, String unit, List<String> groups, List<String> series, double[][] values, boolean logScale) {
    this.title = title;
    this.unit = unit;
    this.groups = groups;
    this.series = series;
    this.values = values;
    this.logScale = logScale;
  }

  void write(Path file) throws IOException {
    int barWidth = 18;
    int groupGap = 30;
    int left = 80;
    int top = 60;
    int plotHeight = 320;
    int groupWidth = series.size() * barWidth + groupGap;
    int width = Math.max(640, left + groups.size() * groupWidth + 90);
    int height = top + plotHeight + 140;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);

    double max = 0;
    double min = Double.MAX_VALUE;
    for (double[] row : values) {
      for (double value : row) {
        if (!Double.isNaN(value) && value > 0) {
          max = Math.max(max, value);
          min = Math.min(min, value);
        }
      }
    }
    double low = logScale ? Math.pow(10, Math.floor(Math.log10(min))) : 0;
    double high = logScale ? Math.pow(10, Math.ceil(Math.log10(max))) : niceCeiling(max);

    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    g.drawString(title, left, 30);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    g.drawString(unit + (logScale ? " (log scale)" : ""), left, 48);

    // Grid lines and their labels.
    g.setStroke(new BasicStroke(1f));
    for (double tick : ticks(low, high)) {
      int y = top + plotHeight - (int) Math.round(position(tick, low, high) * plotHeight);
      g.setColor(new Color(0xE4, 0xE4, 0xE4));
      g.drawLine(left, y, width - 30, y);
      g.setColor(Color.DARK_GRAY);
      String label = format(tick);
      g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), y + 4);
    }

    for (int group = 0; group < groups.size(); group++) {
      int x0 = left + group * groupWidth + groupGap / 2;
      for (int s = 0; s < series.size(); s++) {
        double value = values[group][s];
        if (Double.isNaN(value) || value <= 0) {
          continue;
        }
        int barHeight = (int) Math.round(position(Math.max(value, low), low, high) * plotHeight);
        g.setColor(PALETTE[s % PALETTE.length]);
        g.fillRect(x0 + s * barWidth, top + plotHeight - barHeight, barWidth - 2, barHeight);
      }
      g.setColor(Color.BLACK);
      drawRotated(g, groups.get(group), x0 + series.size() * barWidth / 2, top + plotHeight + 12);
    }
    g.drawLine(left, top + plotHeight, width - 30, top + plotHeight);

    // Legend.
    int lx = left;
    int ly = height - 20;
    for (int s = 0; s < series.size(); s++) {
      g.setColor(PALETTE[s % PALETTE.length]);
      g.fillRect(lx, ly - 10, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString(series.get(s), lx + 16, ly);
      lx += 30 + g.getFontMetrics().stringWidth(series.get(s));
    }
    g.dispose();
    Files.createDirectories(file.toAbsolutePath().getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  private double position(double value, double low, double high) {
    if (logScale) {
      return (Math.log10(value) - Math.log10(low)) / (Math.log10(high) - Math.log10(low));
    }
    return (value - low) / (high - low);
  }

  private List<Double> ticks(double low, double high) {
    List<Double> ticks = new ArrayList<>();
    if (logScale) {
      for (double tick = low; tick <= high * 1.0001; tick *= 10) {
        ticks.add(tick);
      }
    } else {
      double step = high / 5;
      for (int i = 0; i <= 5; i++) {
        ticks.add(i * step);
      }
    }
    return ticks;
  }

  private static double niceCeiling(double max) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
    for (double step : new double[] {1, 2, 2.5, 5, 10}) {
      if (step * magnitude >= max) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String format(double value) {
    if (value >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (value >= 1 || value == 0) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    return String.format(Locale.ROOT, "%.3g", value);
  }

  private static void drawRotated(Graphics2D g, String text, int x, int y) {
    FontMetrics metrics = g.getFontMetrics();
    Graphics2D rotated = (Graphics2D) g.create();
    rotated.translate(x, y);
    rotated.rotate(Math.toRadians(35));
    rotated.drawString(text, 0, metrics.getAscent() / 2);
    rotated.dispose();
  }
}
