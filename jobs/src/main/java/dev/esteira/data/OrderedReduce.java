package dev.esteira.data;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

/**
 * A tree reduce whose merges happen in partition order. Spark's {@code treeReduce} merges partial results
 * in the order their tasks finish (on the driver, and within each intermediate reduce as shuffle blocks
 * arrive), so an order-sensitive merge (a KLL sketch's compaction, a floating-point mean) gives other
 * bits from run to run. Here the values of one level are merged sorted by partition index: the same
 * partials always merge in the same order. The shape is {@code treeReduce}'s of depth 2: with more
 * partitions than about twice their square root, groups of √n consecutive partitions are merged first
 * (a group's partials are held together in its task: √n of them), then the groups on the driver.
 */
public final class OrderedReduce {
  private OrderedReduce() {}

  /** Reduces every value of {@code rdd} (typically one per partition) in partition order. */
  public static <T> T reduce(JavaRDD<T> rdd, Function2<T, T, T> merge) {
    int n = rdd.getNumPartitions();
    JavaPairRDD<Integer, T> indexed = rdd.mapPartitionsWithIndex((index, it) -> {
          List<Tuple2<Integer, T>> out = new ArrayList<>();
          while (it.hasNext()) {
            out.add(new Tuple2<>(index, it.next()));
          }
          return out.iterator();
        }, true)
        .mapToPair(t -> t);
    int scale = Math.max((int) Math.ceil(Math.sqrt(n)), 2);
    if (n > scale + (int) Math.ceil((double) n / scale)) {
      int groups = (n + scale - 1) / scale;
      indexed = indexed.mapToPair(t -> new Tuple2<>(t._1() / scale, t))
          .groupByKey(groups)
          .mapToPair(g -> {
            List<Tuple2<Integer, T>> members = new ArrayList<>();
            g._2().forEach(members::add);
            return new Tuple2<>(g._1(), inOrder(members, merge));
          });
    }
    List<Tuple2<Integer, T>> top = new ArrayList<>(indexed.collect());
    if (top.isEmpty()) {
      throw new IllegalArgumentException("nothing to reduce: no values in " + n + " partitions");
    }
    try {
      return inOrder(top, merge);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Merges values sorted by their index (stable: values of one index keep their order), left to right. */
  static <T> T inOrder(List<Tuple2<Integer, T>> values, Function2<T, T, T> merge) throws Exception {
    List<Tuple2<Integer, T>> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.comparing(Tuple2::_1));
    T acc = sorted.get(0)._2();
    for (int i = 1; i < sorted.size(); i++) {
      acc = merge.call(acc, sorted.get(i)._2());
    }
    return acc;
  }
}
