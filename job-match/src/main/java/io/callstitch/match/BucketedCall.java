package io.callstitch.match;

import io.callstitch.schema.Call;
import io.callstitch.schema.Role;

/**
 * A call in one role inside one (ip, bucket) key of job-match. It crosses the network once, by
 * {@link BucketedCallSerializer} ({@link SerializerTypeInfo}), field by field.
 */
public class BucketedCall {
    public Role role;
    public String ip;
    public long bucket;
    public Call call;

    public BucketedCall() {}

    public BucketedCall(Role role, String ip, long bucket, Call call) {
        this.role = role;
        this.ip = ip;
        this.bucket = bucket;
        this.call = call;
    }

    /** The key of job-match: one ip in one time bucket. */
    public String key() {
        return keyOf(ip, bucket);
    }

    public static String keyOf(String ip, long bucket) {
        return ip + "|" + bucket;
    }
}
