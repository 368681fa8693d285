import { MemoryJobStore } from '../../src/index.js';
import { describeJobStoreConformance } from '../../src/testing/index.js';

describeJobStoreConformance('MemoryJobStore', (options) => new MemoryJobStore(options));
