package io.callstitch.tools.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The soak's samples: named series over the seconds since the start, all sampled together. */
final class Samples {
    final List<Double> seconds = new ArrayList<>();
    final Map<String, List<Double>> series = new LinkedHashMap<>();

    void add(double at, Map<String, Double> row) {
        seconds.add(at);
        for (Map.Entry<String, Double> value : row.entrySet()) {
            List<Double> values = series.computeIfAbsent(value.getKey(), name -> new ArrayList<>());
            while (values.size() < seconds.size() - 1) {
                values.add(Double.NaN);
            }
            values.add(value.getValue());
        }
    }

    /** Samples read back from {@link #csv()}. */
    static Samples fromCsv(List<String> lines) {
        Samples samples = new Samples();
        String[] names = lines.get(0).split(",");
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",", -1);
            Map<String, Double> row = new LinkedHashMap<>();
            for (int i = 1; i < names.length; i++) {
                row.put(names[i], i < fields.length && !fields[i].isEmpty() ? Double.parseDouble(fields[i]) : Double.NaN);
            }
            samples.add(Double.parseDouble(fields[0]), row);
        }
        return samples;
    }

    String csv() {
        StringBuilder text = new StringBuilder("seconds");
        for (String name : series.keySet()) {
            text.append(',').append(name);
        }
        text.append('\n');
        for (int i = 0; i < seconds.size(); i++) {
            text.append(String.format("%.1f", seconds.get(i)));
            for (List<Double> values : series.values()) {
                text.append(',').append(i < values.size() ? String.format("%.3f", values.get(i)) : "");
            }
            text.append('\n');
        }
        return text.toString();
    }

    /**
     * Each series' median over the first and the last third of the run, its peak, and the ratio of the two
     * medians: a figure that levels off has a ratio near 1, one that grows with the run time far above it.
     */
    String table() {
        StringBuilder text = new StringBuilder(String.format("| %-32s | %14s | %14s | %12s | %10s |%n", "figure", "first third",
                "last third", "peak", "last/first"));
        text.append(String.format("|%s|%s|%s|%s|%s|%n", "-".repeat(34), "-".repeat(16), "-".repeat(16), "-".repeat(14), "-".repeat(12)));
        for (Map.Entry<String, List<Double>> entry : series.entrySet()) {
            List<Double> values = entry.getValue();
            int third = values.size() / 3;
            double first = median(values.subList(0, Math.max(1, third)));
            double last = median(values.subList(values.size() - Math.max(1, third), values.size()));
            double peak = values.stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            text.append(String.format("| %-32s | %14.1f | %14.1f | %12.1f | %10s |%n", entry.getKey(), first, last, peak,
                    first > 0 ? String.format("%.2f", last / first) : "-"));
        }
        return text.toString();
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>();
        for (double value : values) {
            if (!Double.isNaN(value)) {
                sorted.add(value);
            }
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
