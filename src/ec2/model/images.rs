//! Images: register, deregister, create from an instance, describe, attributes.

use super::placeholder_shapes;

placeholder_shapes! {
    DescribeImagesInput, DescribeImagesOutput;
    RegisterImageInput, RegisterImageOutput;
    DeregisterImageInput, DeregisterImageOutput;
    CreateImageInput, CreateImageOutput;
    DescribeImageAttributeInput, DescribeImageAttributeOutput;
    ModifyImageAttributeInput, ModifyImageAttributeOutput;
    UpdateImageInput, UpdateImageOutput;
}
