package dev.esteira.ct;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The training window travels through the registry tag {@code ct.window} as text: it must read back as the
 * same batches in the same order, and a batch name that the text form cannot carry (a comma) must be
 * refused when the window is built, not split into two batches when the challenge reads it.
 */
class WindowTest {

  @Test
  void aWindowReadsBackAsTheSameBatchesInOrder() {
    Window w = new Window(List.of("day-05", "day-03", "day-04"));
    assertEquals("day-05,day-03,day-04", w.format());
    assertEquals(w, Window.parse(w.format()));
    assertEquals(List.of("day-05", "day-03", "day-04"), Window.parse(w.format()).batches());
    assertEquals(new Window(List.of("only")), Window.parse("only"));
  }

  @Test
  void anAbsentOrEmptyTagIsTheEmptyWindow() {
    assertTrue(Window.parse(null).isEmpty());
    assertTrue(Window.parse("").isEmpty());
    assertEquals("", Window.empty().format());
  }

  @Test
  void aBatchNameWithACommaIsRefusedClearly() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Window(List.of("day-01", "eu,day-02")));
    assertTrue(e.getMessage().contains("'eu,day-02'"), e.getMessage());
    // A tag with an empty element (written by hand, or damaged) is refused, not read as a batch named "".
    assertThrows(IllegalArgumentException.class, () -> Window.parse("day-01,,day-02"));
    assertThrows(IllegalArgumentException.class, () -> Window.parse("day-01,"));
  }
}
