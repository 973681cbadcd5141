/**
 * zod's English messages for the mini API. The schemas a headless command checks (the Vast answers, the config file)
 * use `zod/mini`: the classic API (`import * as z from 'zod'`) loads every schema type with all its methods, ~5 ms of
 * a command's start, while the mini API loads what is used (issue #16, bench/headless.mjs). The classic API sets the
 * English messages when it loads and the mini API does not: a module with mini schemas imports this one first, so
 * the messages are the same either way.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());
