import { MemoryUserStore } from '../../src/users/memory-user-store.js';
import { CONTRACT_DIGEST, TEST_HASH_PARAMS, userStoreContract } from './user-store-contract.js';

userStoreContract('MemoryUserStore', async () => new MemoryUserStore({ hashParams: TEST_HASH_PARAMS, ...CONTRACT_DIGEST }));
