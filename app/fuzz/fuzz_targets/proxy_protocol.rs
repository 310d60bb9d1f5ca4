//! Any bytes as what a TCP load balancer sends before the SMTP conversation: reading the
//! PROXY v2 prefix and its address block never panics, a block is never read past its
//! declared length, and a client address comes only from a PROXY command's IP family.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame_wire::proxy_protocol::{prefix, source, MAX_BLOCK_LEN, PREFIX_LEN};

fuzz_target!(|data: &[u8]| {
    let Some((head, rest)) = data.split_first_chunk::<PREFIX_LEN>() else {
        return;
    };
    let Ok(found) = prefix(head) else {
        return;
    };
    assert!(found.block_len <= MAX_BLOCK_LEN);
    let block = &rest[..found.block_len.min(rest.len())];
    match source(&found, block) {
        Ok(Some(addr)) => {
            assert_eq!(head[12] & 0x0f, 1, "a client from a LOCAL command");
            let family = head[13] >> 4;
            assert_eq!(addr.is_ipv4(), family == 1, "{addr} from family {family}");
        }
        Ok(None) | Err(_) => {}
    }
});
