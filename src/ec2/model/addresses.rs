//! Elastic IP addresses: allocate, associate, disassociate, release, describe.

use super::placeholder_shapes;

placeholder_shapes! {
    AllocateAddressInput, AllocateAddressOutput;
    AssociateAddressInput, AssociateAddressOutput;
    DisassociateAddressInput, DisassociateAddressOutput;
    ReleaseAddressInput, ReleaseAddressOutput;
    DescribeAddressesInput, DescribeAddressesOutput;
}
