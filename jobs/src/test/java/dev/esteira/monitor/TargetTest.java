package dev.esteira.monitor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A monitoring target's text is what existing lakehouses store in {@code profiles} and
 * {@code drift_metrics}: it must read back to the value that wrote it, keep exactly the old form, and a
 * text that is not a target must be refused rather than misread.
 */
class TargetTest {

  @Test
  void theStoredFormIsUnchangedAndReadsBackToTheSameTarget() {
    // The literal strings are the forms written before Target existed.
    assertEquals("dataset:loans", Target.dataset("loans").format());
    assertEquals("model:loan_default:v12", Target.modelOutputs("loan_default", 12).format());
    for (Target t : List.of(Target.dataset("loans"), Target.dataset("a-b.c_d"), Target.modelOutputs("m", 1),
        Target.modelOutputs("loan_default", 123456))) {
      assertEquals(t, Target.parse(t.format()));
    }
    assertEquals(new Target.ModelOutputTarget("loan_default", 3), Target.parse("model:loan_default:v3"));
    assertInstanceOf(Target.DatasetTarget.class, Target.parse("dataset:model"));
  }

  @Test
  void malformedTextIsRefusedWithTheTextInTheMessage() {
    for (String bad : List.of("", "loans", "dataset:", "dataset:a:b", "model:m", "model:m:3", "model:m:v",
        "model:m:v0", "model:m:v-1", "model::v1", "Dataset:loans", "model:m:v1:extra", "model:m:v01")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Target.parse(bad), bad);
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Target.parse(null));
  }

  @Test
  void aNameThatWouldNotReadBackIsRefusedWhenTheTargetIsBuilt() {
    // A colon in a model name would make "model:a:b:v1" ambiguous; a blank name reads back as nothing.
    assertThrows(IllegalArgumentException.class, () -> Target.modelOutputs("a:b", 1));
    assertThrows(IllegalArgumentException.class, () -> Target.dataset("a:b"));
    assertThrows(IllegalArgumentException.class, () -> Target.dataset(" "));
    assertThrows(IllegalArgumentException.class, () -> Target.modelOutputs("m", 0));
  }
}
