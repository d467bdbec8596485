//! MessagePack frames. A message body is encoded ONCE per broadcast; each connection then
//! only prepends `type` and its own `seq` (PROTOCOL.md: `type` first, gap-free `seq`).

use serde::Serialize;

/// A message encoded without `type` and `seq`: the remaining map entries, back to back.
#[derive(Debug)]
pub struct Encoded {
    pub kind: &'static str,
    fields: u32,
    body: Vec<u8>,
}

impl Encoded {
    pub fn new<T: Serialize>(kind: &'static str, body: &T) -> Encoded {
        // Our wire structs have string keys only, so encoding cannot fail; an empty body is
        // still a valid frame if it ever did.
        let bytes = rmp_serde::to_vec_named(body).unwrap_or_default();
        let mut rest: &[u8] = &bytes;
        match rmp::decode::read_map_len(&mut rest) {
            Ok(fields) => {
                let header = bytes.len() - rest.len();
                Encoded {
                    kind,
                    fields,
                    body: bytes[header..].to_vec(),
                }
            }
            Err(_) => Encoded {
                kind,
                fields: 0,
                body: Vec::new(),
            },
        }
    }

    /// The full frame for one connection.
    pub fn frame(&self, seq: u64) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.body.len() + 32);
        // Writing into a Vec cannot fail.
        let _ = rmp::encode::write_map_len(&mut out, self.fields + 2);
        let _ = rmp::encode::write_str(&mut out, "type");
        let _ = rmp::encode::write_str(&mut out, self.kind);
        let _ = rmp::encode::write_str(&mut out, "seq");
        let _ = rmp::encode::write_uint(&mut out, seq);
        out.extend_from_slice(&self.body);
        out
    }

    pub fn body_len(&self) -> usize {
        self.body.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Serialize)]
    struct Body {
        dashboard_id: u64,
        name: &'static str,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Decoded {
        #[serde(rename = "type")]
        kind: String,
        seq: u64,
        dashboard_id: u64,
        name: String,
    }

    #[test]
    fn frame_is_a_map_with_type_first_then_seq() {
        let e = Encoded::new(
            "dashboard_activated",
            &Body {
                dashboard_id: 3,
                name: "x",
            },
        );
        let f = e.frame(70_000);
        let d: Decoded = rmp_serde::from_slice(&f).unwrap();
        assert_eq!(
            d,
            Decoded {
                kind: "dashboard_activated".into(),
                seq: 70_000,
                dashboard_id: 3,
                name: "x".into()
            }
        );
        // `type` is the first key.
        let mut rest: &[u8] = &f;
        assert_eq!(rmp::decode::read_map_len(&mut rest).unwrap(), 4);
        let mut buf = [0u8; 8];
        assert_eq!(rmp::decode::read_str(&mut rest, &mut buf).unwrap(), "type");
    }
}
