package io.callstitch.rekey;

/** How probe records are written on the raw topic. */
public enum InputFormat {
    /** One JSON object per record: {"id":..,"src_ip":..,"dst_ip":..,"start_at_ms":..,"latency_msec":..,"end_at_ms":..}. */
    JSON,
    /** One line per record: id,src_ip,dst_ip,start_at_ms,latency_msec,end_at_ms. */
    CSV
}
