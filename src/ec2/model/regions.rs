//! Regions, availability zones and account attributes.

use super::placeholder_shapes;

placeholder_shapes! {
    DescribeRegionsInput, DescribeRegionsOutput;
    DescribeAvailabilityZonesInput, DescribeAvailabilityZonesOutput;
    DescribeAccountAttributesInput, DescribeAccountAttributesOutput;
}
