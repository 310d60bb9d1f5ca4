//! Reading what an SMTP client sends: command lines and message data, with RFC 5321's
//! length limits and a deadline on every line. Only `<CRLF>.<CRLF>` ends the data; a bare
//! CR or LF inside it is reported rather than guessed at, because a server and the next
//! hop disagreeing about where a message ends is exactly SMTP smuggling.

use std::time::Duration;

use tokio::{
    io::{AsyncBufReadExt, AsyncRead, BufReader},
    time::{timeout_at, Instant},
};

/// RFC 5321 §4.5.3.1: a command line, CRLF included (AUTH responses fit too).
pub const MAX_COMMAND_LINE: usize = 512;
/// RFC 5321 §4.5.3.1.6: a line of message text, CRLF included.
pub const MAX_TEXT_LINE: usize = 1000;

#[derive(Debug)]
pub enum ReadError {
    /// The line did not arrive in time.
    Timeout,
    /// The client closed the connection (or it broke).
    Closed,
}

/// One line as read: its bytes (terminator included), unless it was longer than allowed.
struct RawLine {
    /// False when the line passed the limit; its bytes were then discarded.
    fits: bool,
    /// The line ended with CRLF (rather than a bare LF).
    crlf: bool,
}

/// How DATA ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Data {
    /// `<CRLF>.<CRLF>` arrived: the message, dot-unstuffed, with CRLF line endings.
    Message(Vec<u8>),
    /// The data ended properly but was larger than allowed (nothing of it was kept).
    TooBig,
    /// The data ended properly but a line was longer than RFC 5321 allows.
    LineTooLong,
    /// A bare CR or LF arrived: reading stopped there, and the connection must close.
    BareLineBreak,
}

pub struct LineReader<S> {
    inner: BufReader<S>,
    timeout: Duration,
}

impl<S: AsyncRead + Unpin> LineReader<S> {
    pub fn new(stream: S, timeout: Duration) -> Self {
        Self {
            inner: BufReader::new(stream),
            timeout,
        }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn get_mut(&mut self) -> &mut S {
        self.inner.get_mut()
    }

    /// The stream, dropping whatever was read ahead: after STARTTLS nothing sent in plain
    /// text may be taken as said under TLS.
    pub fn into_inner(self) -> S {
        self.inner.into_inner()
    }

    /// Reads up to and including the next LF into `line` (cleared first), keeping at most
    /// `limit` bytes; the whole line must arrive within the timeout.
    async fn read_line(&mut self, limit: usize, line: &mut Vec<u8>) -> Result<RawLine, ReadError> {
        line.clear();
        let deadline = Instant::now() + self.timeout;
        let mut fits = true;
        let mut last_two = [0u8; 2];
        loop {
            let available = timeout_at(deadline, self.inner.fill_buf())
                .await
                .map_err(|_| ReadError::Timeout)?
                .map_err(|_| ReadError::Closed)?;
            if available.is_empty() {
                return Err(ReadError::Closed);
            }
            let (chunk, ended) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..=i], true),
                None => (available, false),
            };
            if fits && line.len() + chunk.len() <= limit {
                line.extend_from_slice(chunk);
            } else {
                fits = false;
                line.clear();
            }
            last_two = match chunk {
                [.., a, b] => [*a, *b],
                [b] => [last_two[1], *b],
                [] => last_two,
            };
            let used = chunk.len();
            self.inner.consume(used);
            if ended {
                return Ok(RawLine {
                    fits,
                    crlf: last_two == *b"\r\n",
                });
            }
        }
    }

    /// A command line without its line ending; None when it was too long (it has been
    /// read past). A bare LF ends a command too: only DATA needs to be strict.
    pub async fn command(&mut self) -> Result<Option<Vec<u8>>, ReadError> {
        let mut line = Vec::new();
        let raw = self.read_line(MAX_COMMAND_LINE, &mut line).await?;
        if !raw.fits {
            return Ok(None);
        }
        line.truncate(line.len() - if raw.crlf { 2 } else { 1 });
        Ok(Some(line))
    }

    /// The message after DATA's 354, up to `<CRLF>.<CRLF>`, keeping at most `max_bytes`.
    pub async fn data(&mut self, max_bytes: usize) -> Result<Data, ReadError> {
        let mut message = Vec::new();
        let mut line = Vec::with_capacity(MAX_TEXT_LINE);
        let (mut too_big, mut too_long) = (false, false);
        loop {
            let raw = self.read_line(MAX_TEXT_LINE, &mut line).await?;
            if !raw.crlf || (raw.fits && line[..line.len() - 2].contains(&b'\r')) {
                return Ok(Data::BareLineBreak);
            }
            if !raw.fits {
                too_long = true;
                continue;
            }
            if line == b".\r\n" {
                break;
            }
            // A leading dot was doubled by the client (RFC 5321 §4.5.2).
            let text = line.strip_prefix(b".").unwrap_or(&line);
            if message.len() + text.len() > max_bytes {
                too_big = true;
                message = Vec::new();
            }
            if !too_big {
                message.extend_from_slice(text);
            }
        }
        Ok(match (too_big, too_long) {
            (true, _) => Data::TooBig,
            (_, true) => Data::LineTooLong,
            _ => Data::Message(message),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn data(input: &[u8], max: usize) -> Result<Data, ReadError> {
        LineReader::new(input, Duration::from_secs(1))
            .data(max)
            .await
    }

    #[tokio::test]
    async fn only_crlf_dot_crlf_ends_the_data_and_dots_are_unstuffed() {
        let got = data(
            b"Subject: x\r\n\r\n..leading dot\r\n.\r\nMAIL FROM:<x@y>\r\n",
            100,
        )
        .await;
        assert_eq!(
            got.unwrap(),
            Data::Message(b"Subject: x\r\n\r\n.leading dot\r\n".to_vec())
        );
    }

    #[tokio::test]
    async fn every_smuggling_ending_is_refused_not_split() {
        for ending in [
            &b"\n.\n"[..],
            b"\n.\r\n",
            b"\r\n.\n",
            b"\r\n.\r",
            b"\r.\r\n",
            b"\r.\r",
            b"\r\n\r.\r\n",
        ] {
            let mut input = b"Subject: x\r\n\r\nbody".to_vec();
            input.extend_from_slice(ending);
            input.extend_from_slice(b"MAIL FROM:<evil@example.com>\r\n\r\n.\r\n");
            assert_eq!(
                data(&input, 1000).await.unwrap(),
                Data::BareLineBreak,
                "{ending:?}"
            );
        }
    }

    #[tokio::test]
    async fn oversized_data_is_read_to_its_end_but_not_kept() {
        let got = data(b"0123456789\r\nabc\r\n.\r\nQUIT\r\n", 8)
            .await
            .unwrap();
        assert_eq!(got, Data::TooBig);
        let long = [b"a".repeat(MAX_TEXT_LINE), b"\r\n.\r\n".to_vec()].concat();
        assert_eq!(data(&long, 1 << 20).await.unwrap(), Data::LineTooLong);
        let longest = [b"a".repeat(MAX_TEXT_LINE - 2), b"\r\n.\r\n".to_vec()].concat();
        assert!(matches!(
            data(&longest, 1 << 20).await.unwrap(),
            Data::Message(_)
        ));
    }

    #[tokio::test]
    async fn data_without_its_end_is_a_closed_connection() {
        assert!(matches!(
            data(b"body\r\n", 100).await,
            Err(ReadError::Closed)
        ));
    }

    #[tokio::test]
    async fn long_commands_are_skipped_whole() {
        let input = [b"X".repeat(600), b"\r\nNOOP\r\n".to_vec()].concat();
        let mut reader = LineReader::new(&input[..], Duration::from_secs(1));
        assert_eq!(reader.command().await.unwrap(), None);
        assert_eq!(reader.command().await.unwrap(), Some(b"NOOP".to_vec()));
    }
}
