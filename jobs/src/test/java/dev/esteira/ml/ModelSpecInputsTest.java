package dev.esteira.ml;

import static org.junit.jupiter.api.Assertions.*;

import dev.esteira.testing.TestSpark;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which input column a frame lacks for a spec (what scoring and explaining refuse): no Spark. */
class ModelSpecInputsTest {
  @Test
  void theFirstMissingFeatureThenTheIdIsNamed() {
    ModelSpec spec = ModelSpec.load(TestSpark.confDir().resolve("models"), "loan_default");
    String[] all = {"application_id", "age", "income", "loan_amount", "credit_score", "employment_years",
        "home_ownership", "purpose", "region", "extra"};
    assertEquals(Optional.empty(), spec.missingInput(all));
    assertEquals(Optional.of("income"), spec.missingInput(new String[] {"application_id", "age", "loan_amount",
        "credit_score", "employment_years", "home_ownership", "purpose", "region"}));
    assertEquals(Optional.of("region"), spec.missingInput(new String[] {"application_id", "age", "income",
        "loan_amount", "credit_score", "employment_years", "home_ownership", "purpose"}));
    assertEquals(Optional.of("application_id"), spec.missingInput(new String[] {"age", "income", "loan_amount",
        "credit_score", "employment_years", "home_ownership", "purpose", "region"}));
  }
}
