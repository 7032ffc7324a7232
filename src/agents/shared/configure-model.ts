/** How to give Catalyst a language model, for every message that says one is needed (needs_model, the review of a plan's scope). */
export const CONFIGURE_MODEL_HINT =
  'configure a language model and build again: set CATALYST_LLM_PROVIDER (openai, anthropic or openai-compatible) and ' +
  'CATALYST_LLM_MODEL, with OPENAI_API_KEY, ANTHROPIC_API_KEY or CATALYST_LLM_API_KEY (CATALYST_LLM_BASE_URL for an ' +
  'OpenAI-compatible server such as Ollama), or set llm.default in the config file';

/** For a behaviour a model planned while the coder has no model of its own (agents.coder.llm.provider: none). */
export const CODER_LATER_HINT =
  'the coder has no language model here (agents.coder.llm), so it writes the records (CRUD) part of the app only; give it a model (llm.default reaches it unless agents.coder.llm.provider is none) and build again';
