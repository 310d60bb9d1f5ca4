//! A DNS server on loopback (UDP) answering MX and A questions from a fixed table, for
//! direct delivery: a name with MX hosts, one without MX (its A record is the implicit MX),
//! one with a null MX, and everything else nonexistent.

use std::net::{Ipv4Addr, SocketAddr};

use hickory_proto::{
    op::{Message, MessageType, OpCode, ResponseCode},
    rr::{
        rdata::{A, MX},
        Name, RData, Record, RecordType,
    },
    serialize::binary::{BinDecodable, BinEncodable},
};
use tokio::net::UdpSocket;

/// Mail for `elsewhere.test` goes to `mx.elsewhere.test`; `implicit.test` has no MX but an
/// address; `nomail.test` publishes a null MX; `tarpit.test`'s MX is at 127.0.0.2, every
/// other address is 127.0.0.1.
pub async fn start() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 1500];
        loop {
            let Ok((len, from)) = socket.recv_from(&mut buf).await else {
                return;
            };
            if let Some(reply) = answer(&buf[..len]) {
                let _ = socket.send_to(&reply, from).await;
            }
        }
    });
    addr
}

fn answer(request: &[u8]) -> Option<Vec<u8>> {
    let request = Message::from_bytes(request).ok()?;
    let query = request.queries().first()?.clone();
    let mut reply = Message::new();
    reply
        .set_id(request.id())
        .set_message_type(MessageType::Response)
        .set_op_code(OpCode::Query)
        .set_authoritative(true)
        .set_recursion_desired(request.recursion_desired());
    reply.add_query(query.clone());
    let name = query.name().to_lowercase().to_ascii();
    let localhost = RData::A(A(Ipv4Addr::LOCALHOST));
    let mx =
        |preference, host: &str| RData::MX(MX::new(preference, Name::from_ascii(host).unwrap()));
    let (exists, data) = match (name.as_str(), query.query_type()) {
        ("elsewhere.test.", RecordType::MX) => (true, Some(mx(10, "mx.elsewhere.test."))),
        ("mx.elsewhere.test." | "implicit.test.", RecordType::A) => (true, Some(localhost)),
        ("nomail.test.", RecordType::MX) => (true, Some(mx(0, "."))),
        ("tarpit.test.", RecordType::MX) => (true, Some(mx(10, "mx.tarpit.test."))),
        ("mx.tarpit.test.", RecordType::A) => {
            (true, Some(RData::A(A(Ipv4Addr::new(127, 0, 0, 2)))))
        }
        (
            "elsewhere.test." | "mx.elsewhere.test." | "implicit.test." | "nomail.test."
            | "tarpit.test." | "mx.tarpit.test.",
            _,
        ) => (true, None),
        _ => (false, None),
    };
    if let Some(data) = data {
        reply.add_answer(Record::from_rdata(query.name().clone(), 60, data));
    }
    if !exists {
        reply.set_response_code(ResponseCode::NXDomain);
    }
    reply.to_bytes().ok()
}
