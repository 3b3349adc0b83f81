import { Editor } from '@monaco-editor/react'
import { JSON_VIEW_LANGUAGE, JSON_VIEW_OPTIONS, THEME } from './json-monaco'

// The read-only JSON viewer as a @monaco-editor/react component. A lazy chunk: importing it loads the
// local monaco bundle and configures the loader before the first <Editor> mounts (no CDN).
export default function JsonMonaco({ text, height, onReady }: { text: string; height: number; onReady(): void }) {
  return (
    <Editor
      className="json-monaco"
      height={height}
      value={text}
      language={JSON_VIEW_LANGUAGE}
      theme={THEME}
      options={JSON_VIEW_OPTIONS}
      onMount={onReady}
      loading={null}
    />
  )
}
