// Package ast stands in for moa's syntax tree: only the names the runner refers to.
package ast

// Expr is an expression.
type Expr interface {
	Walk(Visitor) (Expr, error)
}

// Template is a template expression.
type Template struct{}

func (t *Template) Walk(v Visitor) (Expr, error) {
	if _, err := v.Enter(t); err != nil {
		return nil, err
	}
	return v.Exit(t)
}

// Visitor visits expressions.
type Visitor interface {
	Enter(Expr) (Visitor, error)
	Exit(Expr) (Expr, error)
}
