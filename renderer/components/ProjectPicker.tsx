import { useState } from 'react';
import type { KeyboardEvent } from 'react';
import type { ProjectView } from '../../preload/contract';
import { ProjectDot } from './ProjectDot';

/** Projects whose name or client contains every word typed, best matches (name prefix) first. */
export function filterProjects(projects: readonly ProjectView[], query: string): ProjectView[] {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const hits = projects.filter((p) => {
    const hay = `${p.name} ${p.clientName ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const q = query.trim().toLowerCase();
  const rank = (p: ProjectView) => (q && p.name.toLowerCase().startsWith(q) ? 0 : 1);
  return hits.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

const MAX_OPTIONS = 50;

interface Props {
  id: string;
  value: string;
  projects: readonly ProjectView[];
  placeholder: string;
  invalid: boolean;
  describedBy: string | undefined;
  onChange(text: string): void;
  onPick(project: ProjectView): void;
}

/**
 * A text field with a list of matching projects (WAI-ARIA combobox, list autocomplete): typing
 * filters, ↓/↑ move through the list, Enter picks, Esc closes the list (not the popup). Unlike a
 * datalist, each option can show the project's colour and client.
 */
export function ProjectPicker(props: Props) {
  const { id, value, projects, placeholder, invalid, describedBy, onChange, onPick } = props;
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const listId = `${id}-list`;
  const exact = projects.some((p) => p.name.toLowerCase() === value.trim().toLowerCase());
  // Once a project is picked (the text is its exact name), show them all again for a change.
  const options = filterProjects(projects, exact ? '' : value).slice(0, MAX_OPTIONS);
  const expanded = open && options.length > 0;
  const activeOption = expanded && active >= 0 ? options[active] : undefined;

  const pick = (project: ProjectView) => {
    onPick(project);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!expanded) {
        setOpen(true);
        setActive(event.key === 'ArrowDown' ? 0 : options.length - 1);
        return;
      }
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + options.length) % options.length);
    } else if (event.key === 'Enter' && activeOption) {
      event.preventDefault(); // picks; a second Enter starts the timer
      pick(activeOption);
    } else if (event.key === 'Escape' && expanded) {
      event.preventDefault(); // closes the list, not the popup
      setOpen(false);
      setActive(-1);
    }
  };

  return (
    <div className="combo">
      <input
        id={id}
        name="project"
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={value}
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={activeOption ? `${listId}-${activeOption.id}` : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onChange={(e) => {
          onChange(e.target.value);
          setOpen(true);
          setActive(-1);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      {/* Always in the DOM (aria-controls must point somewhere); hidden while closed. */}
      <ul
        id={listId}
        role="listbox"
        aria-label="Suggestions"
        className="combo-list"
        hidden={!expanded}
      >
        {expanded &&
          options.map((p, i) => (
            <li
              key={p.id}
              id={`${listId}-${p.id}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'combo-option active' : 'combo-option'}
              // mousedown, not click: the input keeps focus, so blur does not close first.
              onMouseDown={(e) => {
                e.preventDefault();
                pick(p);
              }}
            >
              <ProjectDot color={p.color} />
              <span className="combo-name">{p.name}</span>
              {p.clientName && <span className="combo-client">{p.clientName}</span>}
            </li>
          ))}
      </ul>
    </div>
  );
}
