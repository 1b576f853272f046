package io.callstitch.tools.soak;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Renders the soak's samples into one PNG with Java2D (headless, no plotting library): one panel per
 * kind of figure (buffered calls, checkpoint size, checkpoint duration, memory), a line per series.
 */
final class SoakPlot {
    private static final int WIDTH = 1200;
    private static final int PANEL_HEIGHT = 260;
    private static final int MARGIN_LEFT = 80;
    private static final int MARGIN_RIGHT = 290;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd),
        new Color(0xff7f0e), new Color(0x8c564b)};
    private static final String[][] PANELS = {
        {"calls held", "buffered calls", "calls in state"},
        {"checkpoint size (MB)", "checkpoint MB"},
        {"RocksDB live data (MB)", "RocksDB live MB"},
        {"checkpoint duration (s)", "checkpoint s"},
        {"heap of the JVM running the MiniCluster and the traffic (MB)", "heap used MB"},
    };

    private SoakPlot() {}

    static void render(Samples samples, Path file, String title) throws IOException {
        int height = 50 + PANELS.length * PANEL_HEIGHT;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, height);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, MARGIN_LEFT, 28);
        double maxSeconds = samples.seconds.isEmpty() ? 1 : Math.max(1, samples.seconds.get(samples.seconds.size() - 1));
        for (int p = 0; p < PANELS.length; p++) {
            List<Map.Entry<String, List<Double>>> lines = new ArrayList<>();
            for (Map.Entry<String, List<Double>> entry : samples.series.entrySet()) {
                for (int k = 1; k < PANELS[p].length; k++) {
                    if (entry.getKey().endsWith(PANELS[p][k])) {
                        lines.add(entry);
                    }
                }
            }
            panel(g, 50 + p * PANEL_HEIGHT, PANELS[p][0], samples.seconds, maxSeconds, lines);
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int top, String label, List<Double> seconds, double maxSeconds,
            List<Map.Entry<String, List<Double>>> lines) {
        int x0 = MARGIN_LEFT;
        int x1 = WIDTH - MARGIN_RIGHT;
        int y0 = top + PANEL_HEIGHT - 40;
        int y1 = top + 15;
        double max = 0;
        for (Map.Entry<String, List<Double>> line : lines) {
            for (double value : line.getValue()) {
                if (!Double.isNaN(value)) {
                    max = Math.max(max, value);
                }
            }
        }
        max = max <= 0 ? 1 : niceCeiling(max);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(0xdddddd));
        for (int tick = 0; tick <= 4; tick++) {
            int y = y0 - (y0 - y1) * tick / 4;
            g.drawLine(x0, y, x1, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x0, y1, x1 - x0, y0 - y1);
        for (int tick = 0; tick <= 4; tick++) {
            int y = y0 - (y0 - y1) * tick / 4;
            String text = format(max * tick / 4);
            g.drawString(text, x0 - 8 - g.getFontMetrics().stringWidth(text), y + 4);
        }
        for (int tick = 0; tick <= 5; tick++) {
            int x = x0 + (x1 - x0) * tick / 5;
            String text = String.format("%.0f s", maxSeconds * tick / 5);
            g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, y0 + 16);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(label, x0 + 6, y1 - 3);
        g.setStroke(new BasicStroke(1.8f));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int l = 0; l < lines.size(); l++) {
            g.setColor(COLORS[l % COLORS.length]);
            List<Double> values = lines.get(l).getValue();
            int lastX = -1;
            int lastY = -1;
            for (int i = 0; i < values.size() && i < seconds.size(); i++) {
                if (Double.isNaN(values.get(i))) {
                    continue;
                }
                int x = x0 + (int) Math.round((x1 - x0) * seconds.get(i) / maxSeconds);
                int y = y0 - (int) Math.round((y0 - y1) * values.get(i) / max);
                if (lastX >= 0) {
                    g.drawLine(lastX, lastY, x, y);
                }
                lastX = x;
                lastY = y;
            }
            g.fillRect(x1 + 14, y1 + 8 + l * 18, 12, 4);
            g.drawString(lines.get(l).getKey(), x1 + 32, y1 + 14 + l * 18);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static double niceCeiling(double value) {
        double step = Math.pow(10, Math.floor(Math.log10(value)));
        for (double factor : new double[] {1, 2, 2.5, 5, 10}) {
            if (factor * step >= value) {
                return factor * step;
            }
        }
        return 10 * step;
    }

    private static String format(double value) {
        return value >= 100 ? String.format("%,.0f", value) : value >= 10 ? String.format("%.1f", value) : String.format("%.2f", value);
    }
}
