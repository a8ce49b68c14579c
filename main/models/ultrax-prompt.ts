/**
 * UltraX prompts as its inference script builds them: the model's own chat template (from the
 * GGUF, `tokenizer.chat_template`) rendered with a system message (the instruction) and a
 * user message (one window's `<lid:N>` lines), `add_generation_prompt` on and
 * `enable_thinking` off, which makes a Qwen3 template end the prompt with an empty think block.
 * The template is run by @huggingface/jinja, the Jinja engine Hugging Face's JavaScript
 * libraries use for the same templates transformers renders in Python.
 */
import { Template } from '@huggingface/jinja';

export interface ChatPromptOptions {
  /** Special tokens the template may name, as transformers passes them. */
  readonly bosToken?: string;
  readonly eosToken?: string;
}

const compiled = new Map<string, Template>();

export function renderUltraxPrompt(template: string, system: string, user: string, options: ChatPromptOptions = {}): string {
  let t = compiled.get(template);
  if (t === undefined) {
    try {
      t = new Template(template);
    } catch (err) {
      throw new Error(`the model's chat template cannot be read (${err instanceof Error ? err.message : String(err)})`);
    }
    compiled.set(template, t);
  }
  return t.render({
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: user },
    ],
    add_generation_prompt: true,
    enable_thinking: false,
    ...(options.bosToken !== undefined ? { bos_token: options.bosToken } : {}),
    ...(options.eosToken !== undefined ? { eos_token: options.eosToken } : {}),
  });
}
