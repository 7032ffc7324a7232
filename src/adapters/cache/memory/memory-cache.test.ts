import { describeCache } from '../../../../test/conformance/cache.ts';
import { createMemoryCache } from './memory-cache.ts';

describeCache('in-process LRU', { open: async (defaultTtlMs) => createMemoryCache({ defaultTtlMs }) });
