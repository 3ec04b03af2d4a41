//! Instances: launch, describe, state changes, console output, attributes and status.

use super::placeholder_shapes;

placeholder_shapes! {
    RunInstancesInput, RunInstancesOutput;
    DescribeInstancesInput, DescribeInstancesOutput;
    DescribeInstancesV6Input, DescribeInstancesV6Output;
    StartInstancesInput, StartInstancesOutput;
    StopInstancesInput, StopInstancesOutput;
    RebootInstancesInput, RebootInstancesOutput;
    TerminateInstancesInput, TerminateInstancesOutput;
    GetConsoleOutputInput, GetConsoleOutputOutput;
    DescribeInstanceAttributeInput, DescribeInstanceAttributeOutput;
    ModifyInstanceAttributeInput, ModifyInstanceAttributeOutput;
    DescribeInstanceStatusInput, DescribeInstanceStatusOutput;
}
