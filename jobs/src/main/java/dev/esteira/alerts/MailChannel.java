package dev.esteira.alerts;

import dev.esteira.config.EsteiraConfig;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * Sends an event by mail through an SMTP server (Jakarta Mail, Eclipse Angus): STARTTLS when the
 * configuration asks for it (required then, never silently skipped), a login from the environment
 * variables it names. The event id is the message's {@code Message-ID} and its {@code Idempotency-Key}
 * header, so a mail sent twice (sent, then the process died before it recorded so) is one thread
 * that mail clients and filters can fold.
 */
final class MailChannel implements Channel {
  private final String name;
  private final EsteiraConfig.Channel config;
  private final Secrets secrets;

  MailChannel(String name, EsteiraConfig.Channel config, Secrets secrets) {
    this.name = name;
    this.config = config;
    this.secrets = secrets;
  }

  @Override
  public Try deliver(AlertEvent event) {
    String user = null;
    String password = null;
    if (config.usernameEnv() != null) {
      user = secrets.get(config.usernameEnv());
      password = secrets.get(config.passwordEnv());
      if (user == null || password == null) {
        return Try.error("not sent: environment variable " + (user == null ? config.usernameEnv() : config.passwordEnv())
            + " is not set");
      }
    }
    String millis = Long.toString((long) (config.timeout() * 1000));
    Properties p = new Properties();
    p.put("mail.smtp.host", config.host());
    p.put("mail.smtp.port", Integer.toString(config.port()));
    p.put("mail.smtp.connectiontimeout", millis);
    p.put("mail.smtp.timeout", millis);
    p.put("mail.smtp.writetimeout", millis);
    boolean tls = Boolean.TRUE.equals(config.starttls());
    p.put("mail.smtp.starttls.enable", Boolean.toString(tls));
    p.put("mail.smtp.starttls.required", Boolean.toString(tls));
    p.put("mail.smtp.auth", Boolean.toString(user != null));
    Session session = Session.getInstance(p);
    try {
      MimeMessage message = new MimeMessage(session) {
        @Override
        protected void updateMessageID() throws MessagingException {
          setHeader("Message-ID", "<" + event.id() + "@esteira>");
        }
      };
      message.setFrom(new InternetAddress(config.from()));
      for (String to : config.to()) {
        message.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
      }
      message.setSubject(event.title(), "UTF-8");
      message.setHeader(WebhookChannel.IDEMPOTENCY_HEADER, event.id());
      message.setHeader(WebhookChannel.EVENT_HEADER, event.id());
      message.setText(event.summary() + "\n\n" + facts(event), "UTF-8");
      if (user != null) {
        Transport.send(message, user, password);
      } else {
        Transport.send(message);
      }
      return Try.sent("SMTP accepted for " + String.join(", ", config.to()));
    } catch (AuthenticationFailedException e) {
      return Try.error("SMTP login refused by " + config.host() + ":" + config.port());
    } catch (SendFailedException e) {
      // Addresses the server refuses are refused the same way next time.
      return e.getValidSentAddresses() == null && e.getInvalidAddresses() != null && e.getInvalidAddresses().length > 0
          ? Try.refused("SMTP refused the recipients: " + e.getMessage())
          : Try.error("SMTP: " + e.getMessage());
    } catch (MessagingException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      return Try.error("SMTP " + config.host() + ":" + config.port() + ": " + e.getMessage()
          + (root == e ? "" : " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")"));
    }
  }

  private static String facts(AlertEvent e) {
    StringBuilder sb = new StringBuilder();
    e.facts().forEach((k, v) -> {
      if (v != null) {
        sb.append(k).append(": ").append(v).append('\n');
      }
    });
    return sb.toString();
  }

  @Override
  public String toString() {
    return name;
  }
}
