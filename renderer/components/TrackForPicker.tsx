import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { MemberView } from '../../preload/contract';

/** Typing pauses this long before the members are searched: one request per word, not per key. */
export const MEMBER_SEARCH_DEBOUNCE_MS = 300;

interface Props {
  id: string;
  /** Whose tracker is shown and driven now; null: the user's own. */
  actingFor: MemberView | null;
  busy: boolean;
  blocked: boolean;
  /** Why the last choice (or a start for that member) failed, in words. */
  error: string | null;
  /** Members matching `query`, or why they could not be listed. */
  search(query: string): Promise<MemberView[] | { error: string }>;
  onChoose(member: MemberView | null): void;
}

type Option = { kind: 'me' } | { kind: 'member'; member: MemberView };

const optionKey = (o: Option) => (o.kind === 'me' ? 'me' : `m-${o.member.id}`);

/**
 * "Track for": me or a member of the workspace (WebWork owners and executive managers). A
 * combobox like the project picker; the members come from the service as the user types
 * (debounced), "Me" is always first. Choosing switches at once (no submit): the running card,
 * Start and Stop then act on that person's tracker.
 */
export function TrackForPicker(props: Props) {
  const { id, actingFor, busy, blocked, error, search, onChoose } = props;
  // While a choice is on its way to the core, the field already says who was chosen.
  const [chosen, setChosen] = useState<MemberView | null | undefined>(undefined);
  const shown = busy && chosen !== undefined ? chosen : actingFor;
  const current = shown ? shown.name : 'Me';
  // null: not editing, the field shows whose tracker it is.
  const [text, setText] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  // The last answer, with the query it answers: while it is not the current query, we search.
  const [answer, setAnswer] = useState<{
    query: string;
    members: MemberView[];
    error: string | null;
  } | null>(null);
  const asked = useRef(0);
  // The parent passes a new function each render (the clock ticks): the debounce must not
  // restart with it.
  const searchRef = useRef(search);
  useEffect(() => {
    searchRef.current = search;
  });
  const listId = `${id}-list`;
  const query = text?.trim() ?? '';
  const answered = answer !== null && answer.query === query;
  const found = answered ? answer.members : [];
  const searchError = answered ? answer.error : null;
  const searching = query !== '' && !answered;

  // Debounced search; an answer to an older query is dropped.
  useEffect(() => {
    if (query === '') return;
    const ticket = ++asked.current;
    const timer = window.setTimeout(() => {
      void searchRef.current(query).then((result) => {
        if (ticket !== asked.current) return;
        setAnswer(
          Array.isArray(result)
            ? { query, members: result, error: null }
            : { query, members: [], error: result.error },
        );
      });
    }, MEMBER_SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [query]);

  const options: Option[] = [
    { kind: 'me' },
    ...found.map((member) => ({ kind: 'member' as const, member })),
  ];
  const expanded = open;
  const activeOption = expanded && active >= 0 ? options[active] : undefined;

  const close = () => {
    setOpen(false);
    setActive(-1);
    setText(null);
  };
  const pick = (option: Option) => {
    close();
    const member = option.kind === 'me' ? null : option.member;
    if ((member?.id ?? null) === (actingFor?.id ?? null) || blocked) return;
    setChosen(member);
    onChoose(member);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      if (!expanded) {
        setOpen(true);
        setActive(step === 1 ? 0 : options.length - 1);
        return;
      }
      setActive((i) => (i + step + options.length) % options.length);
    } else if (event.key === 'Enter') {
      // Never submits the start form around it: Enter here means "this person".
      event.preventDefault();
      const only = options.length === 2 && query !== '' ? options[1] : undefined;
      const chosen = activeOption ?? only;
      if (chosen) pick(chosen);
    } else if (event.key === 'Escape' && (expanded || text !== null)) {
      event.preventDefault(); // closes the list, not the popup
      close();
    }
  };

  const status = searching
    ? 'Searching…'
    : searchError
      ? searchError
      : query !== '' && found.length === 0
        ? `No member matches “${query}”.`
        : query === ''
          ? 'Type a name or e-mail to find a member.'
          : null;

  return (
    <div className="field track-for">
      <label htmlFor={id}>Track for</label>
      <div className="combo">
        <input
          id={id}
          name="trackFor"
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          value={text ?? current}
          aria-autocomplete="list"
          aria-expanded={expanded}
          aria-controls={listId}
          aria-activedescendant={activeOption ? `${listId}-${optionKey(activeOption)}` : undefined}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          aria-busy={busy || undefined}
          onFocus={(e) => {
            setOpen(true);
            e.currentTarget.select();
          }}
          onChange={(e) => {
            setText(e.target.value);
            setOpen(true);
            setActive(-1);
          }}
          onKeyDown={onKeyDown}
          onBlur={close}
        />
        {/* The listbox is always in the DOM (aria-controls points at it); hidden while closed. */}
        <div className="combo-list" hidden={!expanded}>
          <ul id={listId} role="listbox" aria-label="Members">
            {expanded &&
              options.map((o, i) => (
                <li
                  key={optionKey(o)}
                  id={`${listId}-${optionKey(o)}`}
                  role="option"
                  aria-selected={i === active}
                  className={i === active ? 'combo-option active' : 'combo-option'}
                  onMouseDown={(e) => {
                    e.preventDefault(); // the input keeps focus until the pick is made
                    pick(o);
                  }}
                >
                  <span className="combo-name">{o.kind === 'me' ? 'Me' : o.member.name}</span>
                  {o.kind === 'member' && (o.member.email || o.member.role) && (
                    <span className="combo-client">{o.member.email ?? o.member.role}</span>
                  )}
                </li>
              ))}
          </ul>
          {expanded && status && (
            <p className="combo-status" aria-live="polite">
              {status}
            </p>
          )}
        </div>
      </div>
      {error && (
        <p className="error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
