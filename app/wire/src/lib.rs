//! The readers of bytes that arrive from outside Sesame: API signatures (`sigv4`), the v1
//! Query API's form parameters (`query_params`), SMTP command and data lines
//! (`smtp_lines`) and the PROXY protocol header before them (`proxy_protocol`), messages
//! as senders submit them (`raw_message`, `line_endings`) and the
//! bounce and complaint reports that come back (`feedback_report`).
//!
//! None of them touches the database or the network, so each is fuzzed on its own
//! (`app/fuzz`, `./dev fuzz`) and the product crates only wire them up.

pub mod feedback_report;
pub mod line_endings;
pub mod proxy_protocol;
pub mod query_params;
pub mod raw_message;
pub mod sigv4;
pub mod smtp_lines;
