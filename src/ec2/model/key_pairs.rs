//! Key pairs: create, import, delete, describe.

use super::placeholder_shapes;

placeholder_shapes! {
    CreateKeyPairInput, CreateKeyPairOutput;
    ImportKeyPairInput, ImportKeyPairOutput;
    DeleteKeyPairInput, DeleteKeyPairOutput;
    DescribeKeyPairsInput, DescribeKeyPairsOutput;
}
