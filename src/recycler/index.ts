export * from './secret-rotation-recycler';
