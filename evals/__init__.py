"""Quality measurements (not tests): each script reads public data from a folder the user gives and reports
ours against peers. Data are never committed; each module's docstring says where its data come from."""
