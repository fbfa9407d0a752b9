//! JSON bodies: parsed once into a value, checked for control characters, then read into their
//! types by a deserializer that never builds a struct from an array.
//!
//! serde lets a struct be read from a sequence of its fields in order (`["Slow", "…"]` for
//! `{"subject": "Slow", "description": "…"}`); that is a second, undocumented request format
//! that skips `deny_unknown_fields` and that no client should depend on. Here a struct must be
//! an object at any depth. (Arrays stay arrays: `PUT /classifier/rules` takes a list.)

use serde::de::value::StringDeserializer;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Unexpected,
    Visitor,
};
use serde::forward_to_deserialize_any;
use serde_json::Value;

use crate::ApiError;

/// Reads a JSON body into `T`: 400 when it is not JSON, 422 (naming the field) when it is the
/// wrong shape, holds control characters, or gives a struct as an array.
pub(crate) fn from_bytes<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_data() {
            ApiError::Unprocessable {
                detail: e.to_string(),
                errors: Vec::new(),
            }
        } else {
            ApiError::BadRequest(format!("malformed JSON: {e}"))
        }
    })?;
    crate::extract::text::check_json(&value)?;
    from_value(value)
}

/// Reads an already parsed (and checked) value into `T`.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(Strict(value)).map_err(|e| {
        let field = e.path().to_string();
        let message = e.into_inner().to_string();
        if field == "." {
            ApiError::Unprocessable {
                detail: message,
                errors: Vec::new(),
            }
        } else {
            ApiError::field(&field, message)
        }
    })
}

type Error = serde_json::Error;

/// A JSON value as a deserializer in which structs are objects only.
struct Strict(Value);

fn unexpected(v: &Value) -> Unexpected<'_> {
    match v {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("a number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Other("an array (fields are given by name, in an object)"),
        Value::Object(_) => Unexpected::Map,
    }
}

impl<'de> de::Deserializer<'de> for Strict {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Seq(items.into_iter())),
            Value::Object(map) => visitor.visit_map(Map {
                entries: map.into_iter(),
                value: None,
            }),
            other => de::Deserializer::deserialize_any(other, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Map {
                entries: map.into_iter(),
                value: None,
            }),
            other => Err(de::Error::invalid_type(unexpected(&other), &"an object")),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit seq tuple tuple_struct map identifier
    }
}

struct Seq(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Seq {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|v| seed.deserialize(Strict(v)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Map {
    entries: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl<'de> MapAccess<'de> for Map {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        match self.entries.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(Key(key)).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        match self.value.take() {
            Some(v) => seed.deserialize(Strict(v)),
            None => Err(de::Error::custom("a value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// An object's key: a string, or a number written as one (`{"1": …}` for a map keyed by class).
struct Key(String);

macro_rules! number_key {
    ($($method:ident => $visit:ident: $ty:ty),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
                match self.0.parse::<$ty>() {
                    Ok(n) => visitor.$visit(n),
                    Err(_) => Err(de::Error::invalid_type(Unexpected::Str(&self.0), &visitor)),
                }
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for Key {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let d: StringDeserializer<Error> = self.0.into_deserializer();
        d.deserialize_any(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let d: StringDeserializer<Error> = self.0.into_deserializer();
        d.deserialize_enum(name, variants, visitor)
    }

    number_key! {
        deserialize_i8 => visit_i8: i8,
        deserialize_i16 => visit_i16: i16,
        deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64,
        deserialize_u8 => visit_u8: u8,
        deserialize_u16 => visit_u16: u16,
        deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64,
    }

    forward_to_deserialize_any! {
        bool i128 u128 f32 f64 char str string bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        a: u32,
        #[serde(default)]
        b: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: String,
        inner: Inner,
        #[serde(default)]
        list: Vec<Inner>,
        #[serde(default)]
        by_number: BTreeMap<u8, String>,
    }

    #[allow(
        clippy::needless_pass_by_value,
        reason = "test helper: callers write json! literals inline"
    )]
    fn read<T: DeserializeOwned>(v: serde_json::Value) -> Result<T, ApiError> {
        from_bytes(v.to_string().as_bytes())
    }

    fn field(e: ApiError) -> String {
        match e {
            ApiError::Unprocessable { errors, detail } => errors
                .first()
                .map_or(format!("(none: {detail})"), |f| f.field.clone()),
            other => format!("not 422: {other}"),
        }
    }

    #[test]
    fn objects_read_as_ever() {
        let o: Outer = read(json!({"name": "x", "inner": {"a": 1}, "list": [{"a": 2, "b": "y"}], "by_number": {"3": "three"}})).unwrap();
        assert_eq!(o.inner, Inner { a: 1, b: None });
        assert_eq!(o.list[0].b.as_deref(), Some("y"));
        assert_eq!(o.by_number[&3], "three");
        let list: Vec<Inner> = read(json!([{"a": 1}, {"a": 2}])).unwrap();
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn structs_given_as_arrays_are_refused_at_any_depth() {
        let e = read::<Outer>(json!(["x", {"a": 1}])).unwrap_err();
        assert!(matches!(&e, ApiError::Unprocessable { .. }), "{e}");
        assert!(e.to_string().contains("an object"), "{e}");
        assert_eq!(
            field(read::<Outer>(json!({"name": "x", "inner": [1]})).unwrap_err()),
            "inner"
        );
        assert_eq!(
            field(
                read::<Outer>(json!({"name": "x", "inner": {"a": 1}, "list": [[2]]})).unwrap_err()
            ),
            "list[0]"
        );
        assert!(read::<Vec<Inner>>(json!([[1]])).is_err());
    }

    #[test]
    fn wrong_types_and_unknown_fields_name_their_field() {
        assert_eq!(
            field(read::<Outer>(json!({"name": 5, "inner": {"a": 1}})).unwrap_err()),
            "name"
        );
        assert_eq!(
            field(read::<Outer>(json!({"name": "x", "inner": {"a": -1}})).unwrap_err()),
            "inner.a"
        );
        assert!(read::<Outer>(json!({"name": "x", "inner": {"a": 1}, "what": 1})).is_err());
        assert!(matches!(
            from_bytes::<Outer>(b"{\"name\": "),
            Err(ApiError::BadRequest(_))
        ));
    }
}
