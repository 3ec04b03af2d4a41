//! Security groups and their ingress rules.

use super::placeholder_shapes;

placeholder_shapes! {
    CreateSecurityGroupInput, CreateSecurityGroupOutput;
    DeleteSecurityGroupInput, DeleteSecurityGroupOutput;
    DescribeSecurityGroupsInput, DescribeSecurityGroupsOutput;
    AuthorizeSecurityGroupIngressInput, AuthorizeSecurityGroupIngressOutput;
    RevokeSecurityGroupIngressInput, RevokeSecurityGroupIngressOutput;
}
