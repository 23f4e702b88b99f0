package io.kuaxin.cli;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.AWTError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Draws a benchmark as a PNG: one line per device, a logarithmic size axis, and the measured peak as a line. */
final class BenchChart {
    /** Draws one chart into a PNG file; {@link BenchChart#write} is the real one. */
    @FunctionalInterface
    interface Renderer {
        void write(Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series,
                   double peak, String peakLabel);
    }

    private BenchChart() {}

    /**
     * Draws with {@code renderer}; on failure removes a partial file and returns why, else {@code null}. Java2D
     * fails in several ways on a server without fonts or without the AWT native libraries: {@code InternalError}
     * ("Fontconfig head is null"), {@code UnsatisfiedLinkError}, a {@code NoClassDefFoundError} from a font manager
     * that failed to initialise, or a {@code NullPointerException} deep in font code.
     */
    static String tryWrite(Renderer renderer, Path png, String title, String xLabel, String yLabel,
                           Map<String, List<double[]>> series, double peak, String peakLabel) {
        try {
            renderer.write(png, title, xLabel, yLabel, series, peak, peakLabel);
            return null;
        } catch (RuntimeException | InternalError | LinkageError | AWTError e) {
            try {
                Files.deleteIfExists(png); // never leave a 0-byte or half-written PNG behind
            } catch (IOException ignored) {
                // the reason below is what matters; a stale file is named in it
            }
            return reason(e);
        }
    }

    /** The deepest cause's class and message: "InternalError: Fontconfig head is null, ...". */
    static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.strip())
                + (root == e ? "" : " (in " + e.getClass().getSimpleName() + ")");
    }

    static void write(Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series,
                      double peak, String peakLabel) {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey());
            for (double[] p : e.getValue()) s.add(p[0], p[1]);
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL,
                true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis(xLabel);
        x.setBase(2);
        x.setSmallestValue(1);
        x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1)); // one tick per power of two
        x.setNumberFormatOverride(new java.text.DecimalFormat("0"));
        plot.setDomainAxis(x);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        var renderer = new org.jfree.chart.renderer.xy.XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) renderer.setSeriesStroke(i, new BasicStroke(2f));
        plot.setRenderer(renderer);
        if (peak > 0) {
            ValueMarker m = new ValueMarker(peak, Color.RED, new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            m.setLabel(peakLabel);
            m.setLabelPaint(Color.RED);
            m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.BOTTOM_RIGHT);
            m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_RIGHT);
            plot.addRangeMarker(m);
            double top = Math.max(peak * 1.1, plot.getRangeAxis().getUpperBound());
            plot.getRangeAxis().setRange(0, top);
        }
        try {
            ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 560);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png, e);
        }
    }
}
