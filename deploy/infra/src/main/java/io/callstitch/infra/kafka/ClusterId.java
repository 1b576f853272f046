package io.callstitch.infra.kafka;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Random;

/**
 * A KRaft cluster id: 16 random bytes as 22 characters of unpadded URL-safe base64, the form
 * {@code kafka-storage format -t} accepts. Generated here because kafka-clients 2.4.1 has no {@code Uuid}
 * class, and starting a JVM just for {@code kafka-storage random-uuid} would cost seconds.
 */
final class ClusterId {
    private static final Random RANDOM = new SecureRandom();

    private ClusterId() {}

    static String random() {
        return random(RANDOM);
    }

    static String random(Random random) {
        byte[] bytes = new byte[16];
        while (true) {
            random.nextBytes(bytes);
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            // a leading '-' would be read as an option by the storage tool's argument parser,
            // which is why Kafka's own Uuid.randomUuid() never returns one either
            if (!id.startsWith("-") && !isAllZero(bytes)) {
                return id;
            }
        }
    }

    private static boolean isAllZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
