package cloudstack

// setIfNotEmpty keeps parameter building flat: CloudStack treats an empty
// parameter differently from an absent one.
func setIfNotEmpty(value string, set func(string)) {
	if value != "" {
		set(value)
	}
}

// setNameOrID filters a list call by id when key is a uuid, by name otherwise.
func setNameOrID(key string, setID, setName func(string)) {
	switch {
	case key == "":
	case IsID(key):
		setID(key)
	default:
		setName(key)
	}
}
