package io.callstitch.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BalancedReadersTest {
    @Test
    void everyReaderGetsAsManyPartitions() {
        // against a plain reading: the readers r <= parallelism, r <= partitions, with partitions % r == 0, the most of them
        for (int partitions = 1; partitions <= 64; partitions++) {
            for (int parallelism = 1; parallelism <= 70; parallelism++) {
                int expected = 1;
                for (int readers = 1; readers <= Math.min(partitions, parallelism); readers++) {
                    if (partitions % readers == 0) {
                        expected = readers;
                    }
                }
                assertEquals(expected, KafkaEnds.balancedReaders(partitions, parallelism), partitions + " partitions, parallelism " + parallelism);
            }
        }
    }

    @Test
    void theContractsFivePartitions() {
        assertEquals(1, KafkaEnds.balancedReaders(5, 2), "2 readers would read 3 and 2 partitions");
        assertEquals(1, KafkaEnds.balancedReaders(5, 4));
        assertEquals(5, KafkaEnds.balancedReaders(5, 5));
        assertEquals(5, KafkaEnds.balancedReaders(5, 12), "never more readers than partitions");
        assertEquals(4, KafkaEnds.balancedReaders(12, 5));
    }
}
