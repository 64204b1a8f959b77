package io.kamacache.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.kamacache.codec.CodecException;
import java.util.List;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriterException;
import javax.cache.processor.EntryProcessorException;
import org.junit.jupiter.api.Test;

class RemoteErrorsTest {

  @Test
  void everyKindThatCrossesTheWireComesBackAsItselfWithItsMessageAndCause() {
    List<RuntimeException> thrown = List.of(new CacheLoaderException("l"), new CacheWriterException("w"),
        new EntryProcessorException("p"), new CacheEntryListenerException("e"), new CodecException("c", new IllegalStateException("why")),
        new ClassCastException("cc"), new NullPointerException("n"), new IllegalArgumentException("a"),
        new IllegalStateException("s"), new UnsupportedOperationException("u"), new ArithmeticException("jdk"));
    for (RuntimeException e : thrown) {
      if (e.getCause() == null) {
        e.initCause(new IllegalStateException("why"));
      }
      RuntimeException back = RemoteErrors.toException(RemoteErrors.toProto(e));
      assertThat(back).isExactlyInstanceOf(e.getClass()).hasMessage(e.getMessage());
      assertThat(back.getCause()).isExactlyInstanceOf(IllegalStateException.class).hasMessage("why");
    }
  }

  @Test
  void anApplicationExceptionIsNamedNotRemade() {
    class Custom extends RuntimeException {
      Custom() {
        super("custom");
      }
    }
    RuntimeException back = RemoteErrors.toException(RemoteErrors.toProto(new Custom()));
    assertThat(back).isNotInstanceOf(Custom.class);
    assertThat(back.getMessage()).contains("custom");
  }
}
