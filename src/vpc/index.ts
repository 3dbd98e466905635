export * from './private-subnet-vpc';
export * from './subnet-size';
