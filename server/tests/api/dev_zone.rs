//! The development zone speaks DNS: queried here with hand-built messages over UDP and TCP
//! (hickory-proto), as any resolver would.

use std::net::SocketAddr;

use hickory_proto::{
    op::{Edns, Message, MessageType, OpCode, Query, ResponseCode},
    rr::{Name, RData, RecordType},
    serialize::binary::{BinDecodable, BinEncodable},
};
use sqlx::PgPool;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpStream, UdpSocket},
};

use crate::helpers::TestApp;

fn query(name: &str, edns: bool) -> Vec<u8> {
    let mut message = Message::new();
    message
        .set_id(4242)
        .set_message_type(MessageType::Query)
        .set_op_code(OpCode::Query)
        .set_recursion_desired(true);
    message.add_query(Query::query(
        Name::from_ascii(name).unwrap(),
        RecordType::TXT,
    ));
    if edns {
        let mut e = Edns::new();
        e.set_max_payload(4096);
        message.set_edns(e);
    }
    message.to_bytes().unwrap()
}

pub async fn over_udp(zone: SocketAddr, name: &str, edns: bool) -> Message {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.send_to(&query(name, edns), zone).await.unwrap();
    let mut buf = vec![0u8; 65535];
    let (len, _) = socket.recv_from(&mut buf).await.unwrap();
    Message::from_bytes(&buf[..len]).unwrap()
}

async fn over_tcp(zone: SocketAddr, name: &str) -> Message {
    let mut stream = TcpStream::connect(zone).await.unwrap();
    let request = query(name, false);
    stream.write_u16(request.len() as u16).await.unwrap();
    stream.write_all(&request).await.unwrap();
    let len = stream.read_u16().await.unwrap() as usize;
    let mut reply = vec![0u8; len];
    stream.read_exact(&mut reply).await.unwrap();
    Message::from_bytes(&reply).unwrap()
}

fn txt_values(message: &Message) -> Vec<String> {
    message
        .answers()
        .iter()
        .filter_map(|r| match r.data() {
            RData::TXT(txt) => Some(
                txt.txt_data()
                    .iter()
                    .map(|p| String::from_utf8_lossy(p))
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_dev_zone_answers_like_an_authoritative_server(pool: PgPool) {
    let app = TestApp::spawn_with_dns(pool, |s| s.verification.poll_secs = 3600).await;
    let zone = app.dev_zone.unwrap();
    let (admin, _) = app.new_account("Acme").await;
    let form = [
        ("region", "us-east-1"),
        ("domain", "zone.example"),
        ("dkim_algorithm", "rsa-sha256"),
    ];
    let id = admin.json("identities/create-domain", &form).await["identity_id"]
        .as_str()
        .unwrap()
        .to_owned();
    admin
        .json(
            "identities/dev-zone",
            &[("identity_id", &id), ("publish", "true")],
        )
        .await;
    let detail = admin.json("identities/get", &[("identity_id", &id)]).await;
    let token = detail["records"][0]["value"].as_str().unwrap().to_owned();
    let dkim_name = detail["records"][1]["name"].as_str().unwrap().to_owned();
    let dkim_value = detail["records"][1]["value"].as_str().unwrap().to_owned();

    // A published record: authoritative, the id echoed, the value exact.
    let answer = over_udp(zone, "_amazonses.zone.example.", true).await;
    assert_eq!(answer.id(), 4242);
    assert!(answer.authoritative());
    assert_eq!(answer.response_code(), ResponseCode::NoError);
    assert_eq!(txt_values(&answer), [token]);

    // Names are case-insensitive.
    assert_eq!(
        txt_values(&over_udp(zone, "_AMAZONSES.Zone.Example.", true).await).len(),
        1
    );

    // A name that exists only as a parent of records: NOERROR with no answer; an unknown
    // name: NXDOMAIN.
    let parent = over_udp(zone, "zone.example.", true).await;
    assert_eq!(
        (parent.response_code(), parent.answers().len()),
        (ResponseCode::NoError, 0)
    );
    assert_eq!(
        over_udp(zone, "nothing.example.", true)
            .await
            .response_code(),
        ResponseCode::NXDomain
    );

    // The DKIM key is longer than one TXT string: split on the wire, whole when joined.
    let dkim = over_udp(zone, &format!("{dkim_name}."), true).await;
    assert_eq!(txt_values(&dkim), std::slice::from_ref(&dkim_value));

    // TCP answers too.
    assert_eq!(
        txt_values(&over_tcp(zone, &format!("{dkim_name}.")).await),
        [dkim_value]
    );

    // Without EDNS a client gets at most 512 bytes over UDP: a longer answer comes back
    // truncated and empty, and whole over TCP (or over UDP with EDNS).
    let long = "k".repeat(700);
    sqlx::query("insert into dev_zone_record (name, record_type, value, identity_id) values ('long.zone.example', 'TXT', $1, $2::uuid)")
        .bind(&long)
        .bind(&id)
        .execute(&app.pool)
        .await
        .unwrap();
    let plain = over_udp(zone, "long.zone.example.", false).await;
    assert!(plain.truncated());
    assert!(plain.answers().is_empty());
    assert_eq!(
        txt_values(&over_tcp(zone, "long.zone.example.").await),
        std::slice::from_ref(&long)
    );
    assert_eq!(
        txt_values(&over_udp(zone, "long.zone.example.", true).await),
        [long]
    );
}
