//! Any bytes as what an SMTP client sends, arriving in chunks of a size the input picks
//! (so line endings split across reads are exercised): commands are read and parsed as
//! the listeners parse them, and after each `DATA` the message is read. Nothing panics,
//! and a message read never holds a bare CR or LF and reads back the same once
//! dot-stuffed and ended again: where a message ends is never in doubt (SMTP smuggling).

#![no_main]

use std::{
    pin::Pin,
    task::{Context, Poll},
    time::Duration,
};

use libfuzzer_sys::fuzz_target;
use sesame_wire::smtp_lines::{Data, LineReader};
use smtp_proto::Request;
use tokio::io::{AsyncRead, ReadBuf};

/// Hands out `input` at most `chunk` bytes per read.
struct Chunked<'a> {
    input: &'a [u8],
    chunk: usize,
}

impl AsyncRead for Chunked<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let n = self.chunk.min(self.input.len()).min(buf.remaining());
        buf.put_slice(&self.input[..n]);
        self.input = &self.input[n..];
        Poll::Ready(Ok(()))
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime")
}

fn well_ended(message: &[u8]) -> bool {
    message.iter().enumerate().all(|(i, &b)| match b {
        b'\r' => message.get(i + 1) == Some(&b'\n'),
        b'\n' => i > 0 && message[i - 1] == b'\r',
        _ => true,
    })
}

/// `message` as a client sends it after DATA: leading dots doubled, then `.`.
fn stuffed(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for line in message.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b".") {
            out.push(b'.');
        }
        out.extend_from_slice(line);
    }
    out.extend_from_slice(b".\r\n");
    out
}

async fn read_data(input: &[u8], max: usize) -> Option<Data> {
    let mut reader = LineReader::new(Chunked { input, chunk: 7 }, Duration::from_secs(5));
    reader.data(max).await.ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, input)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk % 64) + 1;
    runtime().block_on(async {
        let mut reader = LineReader::new(Chunked { input, chunk }, Duration::from_secs(5));
        loop {
            let Ok(command) = reader.command().await else {
                return;
            };
            let Some(line) = command else { continue };
            let terminated = [line.as_slice(), b"\r\n"].concat();
            if !matches!(Request::parse(&mut terminated.iter()), Ok(Request::Data)) {
                continue;
            }
            match reader.data(4096).await {
                Ok(Data::Message(message)) => {
                    assert!(well_ended(&message), "a bare line break was kept");
                    let again = read_data(&stuffed(&message), 4096).await;
                    assert_eq!(again, Some(Data::Message(message)));
                }
                Ok(_) => {}
                Err(_) => return,
            }
        }
    });
});
