//! Any bytes as a v1 Query API request: the query string, then the form body (split at
//! the first NUL). Decoding never panics, lists stay within their bound, and every
//! accessor answers (a value or an error) for names taken from the request itself.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame_wire::query_params::Params;

fuzz_target!(|data: &[u8]| {
    let (query, body) = match data.iter().position(|&b| b == 0) {
        Some(nul) => (&data[..nul], &data[nul + 1..]),
        None => (&[][..], data),
    };
    let query = String::from_utf8_lossy(query);
    let Ok(params) = Params::parse(&query, body) else {
        return;
    };
    let _ = params.tags();
    for name in body.split(|&b| b == b'&').take(8) {
        let name = String::from_utf8_lossy(name);
        let name = name.split(['=', '.']).next().unwrap_or_default();
        let _ = params.get(name);
        let _ = params.required(name);
        let _ = params.boolean(name);
        if let Ok(list) = params.list(name) {
            assert!(list.len() <= 1000);
        }
    }
});
