package jsonata

var transformSignature, _ = parseSignature("<(oa):o>")

// transformer evaluates |pattern|update,delete|: a function that copies its argument and
// changes the objects the pattern selects in the copy.
func (ev *evaluator) transformer(n *node, env *frame) *builtin {
	return &builtin{sig: transformSignature, arity: 1, fn: func(ev *evaluator, c *call, args []any) (any, error) {
		obj := argAt(args, 0)
		if obj == nil {
			return nil, nil
		}
		cloneFn, _ := ev.lookup(env, "clone")
		if !isFunction(cloneFn) {
			return nil, newError("T2013", n.pos, "", nil)
		}
		result, err := ev.apply(cloneFn, []any{obj}, nil, env, "clone")
		if err != nil {
			return nil, err
		}
		matches, err := ev.eval(n.pattern, result, env)
		if err != nil || matches == nil {
			return result, err
		}
		items, _ := asItems(matches)
		for _, match := range items {
			update, err := ev.eval(n.update, match, env)
			if err != nil {
				return nil, err
			}
			target, _ := match.(*object)
			if update != nil {
				if !isObject(update) {
					return nil, newError("T2011", n.update.pos, "", update)
				}
				if target != nil {
					for k, v := range members(update) {
						target.set(k, v)
					}
				}
			}
			if n.delete == nil {
				continue
			}
			deletions, err := ev.eval(n.delete, match, env)
			if err != nil {
				return nil, err
			}
			if deletions == nil {
				continue
			}
			names, _ := asItems(deletions)
			for _, d := range names {
				if _, ok := d.(string); !ok {
					return nil, newError("T2012", n.delete.pos, "", deletions)
				}
			}
			if target != nil {
				for _, d := range names {
					target.del(d.(string))
				}
			}
		}
		return result, nil
	}}
}
