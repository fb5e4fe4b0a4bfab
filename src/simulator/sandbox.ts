// Flinks' sandbox conventions (toolbox instance), reused for every simulated card by default.

export const sandboxCustomerId = '43387ca6-0391-4c82-857d-70d95f087ecb';
export const sandboxInstitution = 'FlinksCapital';
export const sandboxInstitutionId = 14;
export const sandboxUsername = 'Greatday';

export interface SecurityQuestion {
  prompt: string;
  answer: string;
}

/** The three Canadian sandbox questions and their documented answers. */
export const sandboxQuestions: readonly SecurityQuestion[] = [
  { prompt: 'What city were you born in?', answer: 'Montreal' },
  { prompt: 'What is the best country on earth?', answer: 'Canada' },
  { prompt: 'What shape do people like most?', answer: 'Triangle' },
];
