//! The money and participation graph (in progress).
