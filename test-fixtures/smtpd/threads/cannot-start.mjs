// A verification thread for the pool's tests that fails as it starts, as one whose resolver
// cannot be built would.
throw new Error('no resolver for this thread');
