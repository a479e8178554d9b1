// realtime-pcm/node: everything in `realtime-pcm`, for Node.
export * from '../index.js';
