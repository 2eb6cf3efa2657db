package dev.imagestorage.benchmarks;

import org.openjdk.jmh.annotations.Threads;

/**
 * The benchmarks of {@link DecisionBenchmark} on two threads, each with its own {@link DecisionFixtures}. The score
 * is the sum over both threads, so on a machine with two cores it shows how far decisions scale when both are busy.
 */
@Threads(2)
public class DecisionTwoThreadsBenchmark extends DecisionBenchmark {}
