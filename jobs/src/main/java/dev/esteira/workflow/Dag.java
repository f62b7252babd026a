package dev.esteira.workflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Orders a workflow's steps: dependencies first, declaration order among equals; finds cycles. */
final class Dag {
  private Dag() {}

  static List<WorkflowSpec.Step> order(WorkflowSpec spec, String source) {
    Map<String, WorkflowSpec.Step> byId = new LinkedHashMap<>();
    for (WorkflowSpec.Step s : spec.steps()) {
      if (byId.put(s.id(), s) != null) {
        throw new WorkflowException(source + ": step id '" + s.id() + "' is used twice");
      }
    }
    for (WorkflowSpec.Step s : spec.steps()) {
      for (String d : s.dependsOn()) {
        if (!byId.containsKey(d)) {
          throw new WorkflowException(
              source + ": step '" + s.id() + "' depends on unknown step '" + d + "' (steps: " + byId.keySet() + ")");
        }
        if (d.equals(s.id())) {
          throw new WorkflowException(source + ": step '" + s.id() + "' depends on itself");
        }
      }
    }
    List<String> cycle = findCycle(byId);
    if (cycle != null) {
      throw new WorkflowException(source + ": the steps form a cycle: " + String.join(" -> ", cycle));
    }
    List<WorkflowSpec.Step> ordered = new ArrayList<>();
    Set<String> done = new HashSet<>();
    while (ordered.size() < byId.size()) {
      for (WorkflowSpec.Step s : spec.steps()) {
        if (!done.contains(s.id()) && done.containsAll(s.dependsOn())) {
          ordered.add(s);
          done.add(s.id());
          break;
        }
      }
    }
    return ordered;
  }

  /** A cycle as a list of step ids ending where it starts, or null. Iterative DFS, three colours. */
  private static List<String> findCycle(Map<String, WorkflowSpec.Step> byId) {
    Map<String, Integer> colour = new HashMap<>();
    for (String start : byId.keySet()) {
      if (colour.getOrDefault(start, 0) != 0) {
        continue;
      }
      Deque<String> path = new ArrayDeque<>();
      Deque<java.util.Iterator<String>> its = new ArrayDeque<>();
      path.push(start);
      its.push(byId.get(start).dependsOn().iterator());
      colour.put(start, 1);
      while (!path.isEmpty()) {
        java.util.Iterator<String> it = its.peek();
        if (it.hasNext()) {
          String next = it.next();
          int c = colour.getOrDefault(next, 0);
          if (c == 1) {
            List<String> onPath = new ArrayList<>(path);
            java.util.Collections.reverse(onPath);
            List<String> cycle = new ArrayList<>(onPath.subList(onPath.indexOf(next), onPath.size()));
            cycle.add(next);
            return cycle;
          }
          if (c == 0) {
            colour.put(next, 1);
            path.push(next);
            its.push(byId.get(next).dependsOn().iterator());
          }
        } else {
          colour.put(path.pop(), 2);
          its.pop();
        }
      }
    }
    return null;
  }
}
