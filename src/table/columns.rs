//! Rows serialised straight into columns (issue 6): the same flattening and typing as
//! [`mod@super`]'s JSON path (nested objects become `parent_child` columns, lists are left
//! out, `None` and non-finite floats are null), without building a `serde_json::Value` per
//! row. A national edges table has half a million rows; as JSON maps (a `String` key per
//! cell) it took over half a gigabyte and most of the time spent writing tables.
//!
//! The two paths are kept equal by a test that builds every table of the example both ways
//! and compares the frames.

use crate::model::FastMap;
use serde::ser::{self, Impossible, Serialize};
use std::fmt;

/// One cell, as the JSON path would hold it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    /// `null` (also a non-finite float, as serde_json writes it).
    Null,
    /// true / false.
    Bool(bool),
    /// A negative integer.
    I64(i64),
    /// A non-negative integer.
    U64(u64),
    /// A finite float.
    F64(f64),
    /// Text.
    Str(String),
}

impl Cell {
    /// The cell as a JSON value (for the rare column of mixed kinds, written as text).
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Bool(b) => (*b).into(),
            Cell::I64(v) => (*v).into(),
            Cell::U64(v) => (*v).into(),
            Cell::F64(v) => (*v).into(),
            Cell::Str(s) => s.as_str().into(),
        }
    }
}

/// Columns filled row by row, in order of first appearance.
#[derive(Debug, Default)]
pub(crate) struct Columns {
    /// Column names.
    pub(crate) names: Vec<String>,
    index: FastMap<String, usize>,
    /// `cells[c][r]`.
    pub(crate) cells: Vec<Vec<Cell>>,
    /// Rows so far.
    pub(crate) rows: usize,
}

/// Why a row could not be laid out.
#[derive(Debug)]
pub(crate) struct ColumnError(pub(crate) String);

impl fmt::Display for ColumnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ColumnError {}

impl ser::Error for ColumnError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ColumnError(msg.to_string())
    }
}

impl Columns {
    /// Adds one row (a struct or a map).
    pub(crate) fn push<T: Serialize + ?Sized>(&mut self, row: &T) -> Result<(), ColumnError> {
        row.serialize(Top { cols: self })?;
        self.rows += 1;
        for col in &mut self.cells {
            col.resize(self.rows, Cell::Null);
        }
        Ok(())
    }

    fn set(&mut self, key: &str, cell: Cell) {
        let c = match self.index.get(key) {
            Some(&c) => c,
            None => {
                self.names.push(key.to_owned());
                self.index.insert(key.to_owned(), self.cells.len());
                self.cells.push(vec![Cell::Null; self.rows]);
                self.cells.len() - 1
            }
        };
        let col = &mut self.cells[c];
        // A key given twice in one row keeps its last value (as a JSON map would).
        if col.len() > self.rows {
            col.truncate(self.rows);
        }
        col.push(cell);
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_owned()
    } else {
        format!("{prefix}_{key}")
    }
}

/// The row itself: only a struct or a map makes a row.
struct Top<'a> {
    cols: &'a mut Columns,
}

/// A value at `key` (its full flattened name).
struct At<'a> {
    cols: &'a mut Columns,
    key: String,
}

/// An object's fields, under `prefix`.
struct Object<'a> {
    cols: &'a mut Columns,
    prefix: String,
    /// The map key waiting for its value.
    pending: Option<String>,
}

impl<'a> Object<'a> {
    /// An object whose fields become columns named `prefix.field` (just `field` at the top).
    fn under(cols: &'a mut Columns, prefix: String) -> Object<'a> {
        Object {
            cols,
            prefix,
            pending: None,
        }
    }

    /// Serializes `v` as the object's field `key` (column `prefix.key`).
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), ColumnError> {
        v.serialize(At {
            cols: self.cols,
            key: join(&self.prefix, key),
        })
    }
}

macro_rules! not_an_object {
    ($($f:ident: $t:ty),*) => {
        $(fn $f(self, _v: $t) -> Result<(), ColumnError> {
            Err(ColumnError("a row is not an object".into()))
        })*
    };
}

/// Methods that widen their number losslessly to `$t` and serialize it with `$to`.
macro_rules! widen {
    ($to:ident: $t:ty; $($f:ident: $from:ty),*) => {
        $(fn $f(self, v: $from) -> Result<(), ColumnError> {
            self.$to(<$t>::from(v))
        })*
    };
}

/// `Some(v)` and a newtype struct serialize as `v` itself, as serde_json writes them.
macro_rules! transparent_wrappers {
    () => {
        fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Self::Ok, ColumnError> {
            v.serialize(self)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            v: &T,
        ) -> Result<Self::Ok, ColumnError> {
            v.serialize(self)
        }
    };
}

/// The list-like methods of a serializer that refuses lists, saying `why`.
macro_rules! refuse_lists {
    ($why:expr) => {
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, ColumnError> {
            Err(ColumnError($why.into()))
        }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, ColumnError> {
            Err(ColumnError($why.into()))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleStruct, ColumnError> {
            Err(ColumnError($why.into()))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: usize,
        ) -> Result<Self::SerializeTupleVariant, ColumnError> {
            Err(ColumnError($why.into()))
        }
    };
}

impl<'a> ser::Serializer for Top<'a> {
    type Ok = ();
    type Error = ColumnError;
    type SerializeSeq = Impossible<(), ColumnError>;
    type SerializeTuple = Impossible<(), ColumnError>;
    type SerializeTupleStruct = Impossible<(), ColumnError>;
    type SerializeTupleVariant = Impossible<(), ColumnError>;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    not_an_object!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_str: &str, serialize_bytes: &[u8]);

    fn serialize_none(self) -> Result<(), ColumnError> {
        Err(ColumnError("a row is not an object".into()))
    }
    transparent_wrappers!();
    fn serialize_unit(self) -> Result<(), ColumnError> {
        Err(ColumnError("a row is not an object".into()))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), ColumnError> {
        Err(ColumnError("a row is not an object".into()))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), ColumnError> {
        Err(ColumnError("a row is not an object".into()))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), ColumnError> {
        // serde_json: {"variant": value}.
        v.serialize(At {
            cols: self.cols,
            key: variant.to_owned(),
        })
    }
    refuse_lists!("a row is not an object");
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a>, ColumnError> {
        Ok(Object::under(self.cols, String::new()))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'a>, ColumnError> {
        Ok(Object::under(self.cols, String::new()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Object<'a>, ColumnError> {
        // serde_json: {"variant": {fields}}.
        Ok(Object::under(self.cols, variant.to_owned()))
    }
}

impl<'a> ser::SerializeStruct for Object<'a> {
    type Ok = ();
    type Error = ColumnError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), ColumnError> {
        self.field(key, v)
    }
    fn end(self) -> Result<(), ColumnError> {
        Ok(())
    }
}

impl<'a> ser::SerializeStructVariant for Object<'a> {
    type Ok = ();
    type Error = ColumnError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), ColumnError> {
        ser::SerializeStruct::serialize_field(self, key, v)
    }
    fn end(self) -> Result<(), ColumnError> {
        Ok(())
    }
}

impl<'a> ser::SerializeMap for Object<'a> {
    type Ok = ();
    type Error = ColumnError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), ColumnError> {
        self.pending = Some(key.serialize(KeyText)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), ColumnError> {
        let key = self
            .pending
            .take()
            .ok_or_else(|| ColumnError("a map value without its key".into()))?;
        self.field(&key, v)
    }
    fn end(self) -> Result<(), ColumnError> {
        Ok(())
    }
}

/// Elements of a list: left out (lists have their own tables).
struct Skip;

/// Each list-like serde trait for [`Skip`]: every element is ignored.
macro_rules! skip_elements {
    ($($trait:ident::$method:ident),*) => {
        $(impl ser::$trait for Skip {
            type Ok = ();
            type Error = ColumnError;
            fn $method<T: Serialize + ?Sized>(&mut self, _: &T) -> Result<(), ColumnError> {
                Ok(())
            }
            fn end(self) -> Result<(), ColumnError> {
                Ok(())
            }
        })*
    };
}

skip_elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl At<'_> {
    fn set(self, cell: Cell) -> Result<(), ColumnError> {
        self.cols.set(&self.key, cell);
        Ok(())
    }
}

impl<'a> ser::Serializer for At<'a> {
    type Ok = ();
    type Error = ColumnError;
    type SerializeSeq = Skip;
    type SerializeTuple = Skip;
    type SerializeTupleStruct = Skip;
    type SerializeTupleVariant = Skip;
    type SerializeMap = Object<'a>;
    type SerializeStruct = Object<'a>;
    type SerializeStructVariant = Object<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), ColumnError> {
        self.set(Cell::Bool(v))
    }
    widen!(serialize_i64: i64; serialize_i8: i8, serialize_i16: i16, serialize_i32: i32);
    fn serialize_i64(self, v: i64) -> Result<(), ColumnError> {
        // serde_json keeps a non-negative integer as unsigned.
        match u64::try_from(v) {
            Ok(u) => self.set(Cell::U64(u)),
            Err(_) => self.set(Cell::I64(v)),
        }
    }
    fn serialize_i128(self, v: i128) -> Result<(), ColumnError> {
        match (u64::try_from(v), i64::try_from(v)) {
            (Ok(u), _) => self.set(Cell::U64(u)),
            (_, Ok(i)) => self.set(Cell::I64(i)),
            _ => Err(ColumnError("number out of range".into())),
        }
    }
    widen!(serialize_u64: u64; serialize_u8: u8, serialize_u16: u16, serialize_u32: u32);
    fn serialize_u64(self, v: u64) -> Result<(), ColumnError> {
        self.set(Cell::U64(v))
    }
    fn serialize_u128(self, v: u128) -> Result<(), ColumnError> {
        u64::try_from(v)
            .map_err(|_| ColumnError("number out of range".into()))
            .and_then(|u| self.set(Cell::U64(u)))
    }
    widen!(serialize_f64: f64; serialize_f32: f32);
    fn serialize_f64(self, v: f64) -> Result<(), ColumnError> {
        self.set(if v.is_finite() {
            Cell::F64(v)
        } else {
            Cell::Null
        })
    }
    fn serialize_char(self, v: char) -> Result<(), ColumnError> {
        self.set(Cell::Str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<(), ColumnError> {
        self.set(Cell::Str(v.to_owned()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), ColumnError> {
        // serde_json writes bytes as a list of numbers: left out.
        Ok(())
    }
    fn serialize_none(self) -> Result<(), ColumnError> {
        self.set(Cell::Null)
    }
    transparent_wrappers!();
    fn serialize_unit(self) -> Result<(), ColumnError> {
        self.set(Cell::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), ColumnError> {
        self.set(Cell::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), ColumnError> {
        self.set(Cell::Str(variant.to_owned()))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), ColumnError> {
        let key = join(&self.key, variant);
        v.serialize(At {
            cols: self.cols,
            key,
        })
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Skip, ColumnError> {
        Ok(Skip)
    }
    fn serialize_tuple(self, _: usize) -> Result<Skip, ColumnError> {
        Ok(Skip)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Skip, ColumnError> {
        Ok(Skip)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Skip, ColumnError> {
        // serde_json: {"variant": [...]}: a list, left out.
        Ok(Skip)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Object<'a>, ColumnError> {
        Ok(Object::under(self.cols, self.key))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Object<'a>, ColumnError> {
        Ok(Object::under(self.cols, self.key))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Object<'a>, ColumnError> {
        Ok(Object::under(self.cols, join(&self.key, variant)))
    }
}

/// A map key as text, the way serde_json writes object keys.
struct KeyText;

macro_rules! key_display {
    ($($f:ident: $t:ty),*) => {
        $(fn $f(self, v: $t) -> Result<String, ColumnError> {
            Ok(v.to_string())
        })*
    };
}

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = ColumnError;
    type SerializeSeq = Impossible<String, ColumnError>;
    type SerializeTuple = Impossible<String, ColumnError>;
    type SerializeTupleStruct = Impossible<String, ColumnError>;
    type SerializeTupleVariant = Impossible<String, ColumnError>;
    type SerializeMap = Impossible<String, ColumnError>;
    type SerializeStruct = Impossible<String, ColumnError>;
    type SerializeStructVariant = Impossible<String, ColumnError>;

    key_display!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_char: char, serialize_str: &str);

    fn serialize_f32(self, _: f32) -> Result<String, ColumnError> {
        Err(ColumnError("a float map key".into()))
    }
    fn serialize_f64(self, _: f64) -> Result<String, ColumnError> {
        Err(ColumnError("a float map key".into()))
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, ColumnError> {
        Err(ColumnError("a bytes map key".into()))
    }
    fn serialize_none(self) -> Result<String, ColumnError> {
        Err(ColumnError("a null map key".into()))
    }
    transparent_wrappers!();
    fn serialize_unit(self) -> Result<String, ColumnError> {
        Err(ColumnError("a unit map key".into()))
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, ColumnError> {
        Err(ColumnError("a unit map key".into()))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, ColumnError> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, ColumnError> {
        Err(ColumnError("a compound map key".into()))
    }
    refuse_lists!("a compound map key");
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, ColumnError> {
        Err(ColumnError("a compound map key".into()))
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, ColumnError> {
        Err(ColumnError("a compound map key".into()))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, ColumnError> {
        Err(ColumnError("a compound map key".into()))
    }
}
