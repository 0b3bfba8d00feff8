// placeholder with the agreed API until the quantity branch merges
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity(i64);
#[derive(Debug, thiserror::Error)]
#[error("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")]
pub struct QuantityError;
impl std::str::FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, QuantityError> { s.parse::<i64>().map(Quantity).map_err(|_| QuantityError) }
}
impl Quantity {
    pub fn milli_value(&self) -> i64 { self.0 * 1000 }
    pub fn value(&self) -> i64 { self.0 }
}
